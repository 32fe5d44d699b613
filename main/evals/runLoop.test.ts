import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { resultKey, runLoop, type RunLoopOptions, type RunScorer } from './runLoop'
import type { Scorer } from './scorers/types'
import { summarize, type RowResult } from './summary'

const equalsExpected: Scorer<{ expected: unknown }> = {
  meta: { type: 'eq', label: 'eq', description: '', level: 'system', valueType: 'boolean', needsLlm: false },
  params: z.object({ expected: z.unknown() }).strict(),
  async score({ output }, { expected }) {
    const pass = output === expected
    return { score: Number(pass), pass }
  },
}
const scorers: RunScorer[] = [{ id: 'answer', scorer: equalsExpected as Scorer, params: { expected: '{{expected}}' } }]
const rows = Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, question: `${i}+${i}`, expected: String(i + i) }))

function options(over: Partial<RunLoopOptions> = {}): RunLoopOptions & { stored: RowResult[] } {
  const stored: RowResult[] = []
  return {
    rows,
    trials: 1,
    concurrency: 4,
    scorers,
    target: async (row) => ({ output: String(Number(String(row.question).split('+')[0]) * 2), latencyMs: 5, tokens: 3, costUsd: 0.001 }),
    record: (r) => void stored.push(r),
    stored,
    ...over,
  }
}

describe('the evaluation loop', () => {
  it('runs every row × trial with bounded concurrency and scores it, templates filled from the row', async () => {
    let inFlight = 0
    let peak = 0
    const o = options({
      trials: 2,
      target: async (row) => {
        peak = Math.max(peak, ++inFlight)
        await new Promise((r) => setTimeout(r, 2))
        inFlight--
        return { output: row.id === 'r3' ? 'wrong' : row.expected, latencyMs: 5, tokens: 3, costUsd: 0.001 }
      },
    })
    const progress: number[] = []
    const result = await runLoop({ ...o, onProgress: (p) => progress.push(p.done) })
    expect(result).toEqual({ ran: 40, skipped: 0, cancelled: false })
    expect(peak).toBe(4)
    expect(progress.at(-1)).toBe(40)
    expect(summarize(o.stored).scorers.answer).toMatchObject({ passRate: 0.95 })
  })

  it('records a failing target as that row’s error and goes on', async () => {
    const o = options({ target: async (row) => { if (row.id === 'r5') throw new Error('timeout after 30 s'); return { output: row.expected, latencyMs: 1, tokens: 0, costUsd: 0 } } })
    await runLoop(o)
    expect(o.stored).toHaveLength(20)
    expect(o.stored.find((r) => r.rowId === 'r5')).toMatchObject({ error: 'timeout after 30 s', scores: { answer: null }, output: null })
    expect(summarize(o.stored)).toMatchObject({ errors: 1, scorers: { answer: { passRate: 1, scored: 19 } } })
  })

  it('resumes with exactly the missing rows, and the summary equals an uninterrupted run', async () => {
    const full = options()
    await runLoop(full)
    // A run killed after 7 rows: those are stored; the rest run on resume.
    const first = options()
    const controller = new AbortController()
    await runLoop({ ...first, signal: controller.signal, record: (r) => { first.stored.push(r); if (first.stored.length === 7) controller.abort() } })
    // Rows still in flight when the run died are not recorded (their results never reached the store).
    expect(first.stored).toHaveLength(7)
    const before = new Set(first.stored.map((r) => r.rowId))
    const ran: string[] = []
    const resumed = await runLoop({ ...first, done: new Set(first.stored.map((r) => resultKey(r.rowId, r.trial))), target: async (row, signal, trace) => { ran.push(String(row.id)); return options().target(row, signal, trace) } })
    expect(resumed).toEqual({ ran: 13, skipped: 7, cancelled: false })
    expect(ran.sort()).toEqual(rows.map((r) => r.id).filter((id) => !before.has(id)).sort())
    expect(summarize(first.stored)).toEqual(summarize(full.stored))
  })

  it('adds latency and cost constraints as pass/fail scores', async () => {
    const o = options({ constraints: { maxLatencyMs: 10, maxCostUsd: 0.0005 }, target: async (row) => ({ output: row.expected, latencyMs: row.id === 'r1' ? 50 : 5, tokens: 0, costUsd: 0.001 }) })
    await runLoop(o)
    const s = summarize(o.stored)
    expect(s.scorers['constraint.latency']).toMatchObject({ passRate: 0.95 })
    expect(s.scorers['constraint.cost']).toMatchObject({ passRate: 0 })
  })
})
