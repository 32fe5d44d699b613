/**
 * Annotation benchmark (run by `npm run bench`, not by `npm test`): a queue
 * over a 100,000-row dataset with 60,000 annotations by three annotators.
 * Times what an annotator waits for — the first page of items (cold: the
 * dataset is read and parsed; warm: cached), the next "todo" page, a
 * 500-annotation submit from the outbox, the queue list with progress —
 * and what a lead runs now and then: agreement over 20,000 shared items,
 * CSV export, and write-back of the labels as one dataset version.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, expect, test } from 'vitest'
import type { AnnotationInput } from '../common/schemas/annotation'
import { createWorkbench } from '../main/workbench'
import { median, reportFigure } from './report'

const ROWS = 100_000
/** Items annotated by all three annotators. */
const SHARED = 20_000
const ANNOTATORS = ['ana', 'bo', 'cy']
const CATEGORIES = ['billing', 'bug', 'account', 'feature_request', 'other']

/** Targets (ms): a page must feel instant while annotating with the keyboard; the rest are occasional. */
const TARGETS = { firstPageCold: 2000, pageWarm: 100, submit500: 250, queues: 1000, agreement: 1000, exportCsv: 1500, writeBack: 5000 }

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-annotations-'))
const wb = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'cli', cwd: root, autoMaintain: false })
afterAll(async () => {
  await wb.close()
  fs.rmSync(root, { recursive: true, force: true })
})

async function timeAsync(runs: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn(i)
    times.push(performance.now() - t)
  }
  return median(times)
}

test('annotation queue over 100,000 rows with 60,000 annotations', async () => {
  await wb.call('project.init', { dir: 'proj' })
  const rows = Array.from({ length: ROWS }, (_, i) => JSON.stringify({ id: `r${i}`, ticket: `Ticket ${i}: something about ${CATEGORIES[i % 5]} that needs a look`, expected: { category: CATEGORIES[i % 5], urgent: i % 7 === 0 } }))
  await wb.call('objects.save', { kind: 'dataset', name: 'tickets', content: `${rows.join('\n')}\n` })
  await wb.call('objects.save', {
    kind: 'queue', name: 'review',
    content: 'source: {dataset: tickets}\nfields:\n  - {name: category, type: categorical, options: [billing, bug, account, feature_request, other]}\n  - {name: urgent, type: binary}\n  - {name: clarity, type: numeric, min: 1, max: 5, required: false}\nwriteBack: {columns: {category: expected.category}}\n',
  })
  const version = (await wb.call('refs.resolve', { ref: 'queue:review' })).digest
  const annotation = (i: number, annotator: string, updatedMs: number): AnnotationInput => ({
    id: `${annotator}-${String(i).padStart(7, '0')}`, queue: 'review', queueVersion: version, itemId: `r${i}`, annotator,
    // Annotators agree on most items, differ on some.
    values: { category: CATEGORIES[(i + (annotator === 'cy' && i % 4 === 0 ? 1 : 0)) % 5]!, urgent: i % 7 === 0, clarity: 1 + (i % 5) },
    updatedMs,
  })

  const firstPageCold = await timeAsync(1, () => wb.call('annotations.items', { queue: 'review', annotator: 'ana', filter: 'todo' }))
  reportFigure('annotations: first page of 100k-row queue (cold)', firstPageCold, { unit: 'ms', target: TARGETS.firstPageCold })

  // 60,000 annotations arrive as the outbox sends them: batches of 500.
  const batchMs: number[] = []
  for (let start = 0; start < SHARED; start += 500) {
    for (const annotator of ANNOTATORS) {
      const batch = Array.from({ length: 500 }, (_, k) => annotation(start + k, annotator, start + k))
      const t = performance.now()
      const result = await wb.call('annotations.submit', { annotations: batch })
      batchMs.push(performance.now() - t)
      expect(result.stored.length).toBe(500)
    }
  }
  const submit500 = median(batchMs)
  reportFigure('annotations: submit 500 from the outbox (60k stored)', submit500, { unit: 'ms', target: TARGETS.submit500 })
  // Resending a batch (a flaky connection): all stale, nothing written.
  const resent = Array.from({ length: 500 }, (_, k) => annotation(k, 'ana', k))
  const resend = await timeAsync(5, async () => expect((await wb.call('annotations.submit', { annotations: resent })).stale.length).toBe(500))
  reportFigure('annotations: resubmit 500 already stored', resend, { unit: 'ms' })

  const pageWarm = await timeAsync(9, (i) => wb.call('annotations.items', { queue: 'review', annotator: 'ana', filter: 'todo', offset: i * 50 }))
  reportFigure('annotations: todo page, 60k annotations (warm)', pageWarm, { unit: 'ms', target: TARGETS.pageWarm })
  const pageAll = await timeAsync(9, (i) => wb.call('annotations.items', { queue: 'review', offset: i * 50 }))
  reportFigure('annotations: page with every annotator\'s annotations', pageAll, { unit: 'ms', target: TARGETS.pageWarm })

  const queues = await timeAsync(3, async () => expect((await wb.call('annotations.queues', {})).queues[0]).toMatchObject({ total: ROWS, done: SHARED }))
  reportFigure('annotations: queue list with progress', queues, { unit: 'ms', target: TARGETS.queues })

  const agreement = await timeAsync(3, async () => expect((await wb.call('annotations.agreement', { queue: 'review' })).items).toBe(SHARED))
  reportFigure('annotations: agreement, 20k items × 3 annotators', agreement, { unit: 'ms', target: TARGETS.agreement })

  const exportCsv = await timeAsync(3, async () => expect((await wb.call('annotations.export', { queue: 'review', format: 'csv' })).count).toBe(SHARED * 3))
  reportFigure('annotations: CSV export of 60k', exportCsv, { unit: 'ms', target: TARGETS.exportCsv })

  const writeBack = await timeAsync(1, async () => expect((await wb.call('annotations.writeBack', { queue: 'review', resolve: 'majority' })).rows.updated).toBe(SHARED))
  reportFigure('annotations: write-back (majority) into 100k rows, one commit', writeBack, { unit: 'ms', target: TARGETS.writeBack })
}, 600_000)
