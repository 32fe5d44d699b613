/**
 * The SDK against the real ingest server and trace database of a temp
 * project (tests/node/ingestHarness.ts): a nested trace arrives as rows with
 * the right tree, error and usage; prompts and datasets read back by label
 * and version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestIngest, type TestIngest } from '../tests/node/ingestHarness'
import { currentSpan, flush, getDataset, getPrompt, init, op, shutdown, stats, withAttributes } from './index'

let ingest: TestIngest
const warnings: string[] = []

beforeAll(async () => {
  ingest = await startTestIngest()
  init({ endpoint: ingest.url, token: ingest.token, flushIntervalMs: 10, warn: (m) => warnings.push(m) })
}, 60_000)
afterAll(async () => {
  await shutdown()
  await ingest?.close()
})

describe('SDK → ingest server → trace database', () => {
  it('stores a nested trace with its tree, error, attributes and usage', async () => {
    const retrieve = op(async (query: string) => [`doc about ${query}`], { name: 'retrieve', kind: 'retrieval' })
    const generate = op(async (docs: string[]) => {
      currentSpan()?.addUsage('gpt-4o-mini-2024-07-18', 120, 30)
      return `answer from ${docs.length} doc(s)`
    }, { name: 'generate', kind: 'llm' })
    const check = op(() => {
      throw new RangeError('answer too short')
    }, { name: 'check', kind: 'evaluation' })
    const answer = op(async (question: string) => {
      const docs = await retrieve(question)
      const text = await generate(docs)
      try {
        check()
      } catch {}
      return text
    }, { name: 'answer', kind: 'agent' })
    let traceId = ''
    await withAttributes({ sessionId: 'conv-1', user: 'ada' }, async () => {
      await op(async () => {
        traceId = currentSpan()!.traceId
        return answer('refunds')
      }, { name: 'request', kind: 'chain' })()
    })
    await flush()
    expect(stats()).toMatchObject({ failed: 0, dropped: 0, queued: 0 })
    expect(warnings).toEqual([])
    const found = ingest.traces.getTrace(traceId)
    expect(found).toBeDefined()
    const { trace, roots } = found!
    expect(trace).toMatchObject({ spanCount: 5, errorCount: 1, inputTokens: 120, outputTokens: 30, sessionId: 'conv-1', rootName: 'request' })
    expect(roots).toHaveLength(1)
    const request = roots[0]!
    expect(request.children.map((c) => c.name)).toEqual(['answer'])
    const answerNode = request.children[0]!
    expect(answerNode.kind).toBe('agent')
    expect(answerNode.children.map((c) => [c.name, c.kind, c.status])).toEqual([
      ['retrieve', 'retrieval', 'ok'],
      ['generate', 'llm', 'ok'],
      ['check', 'evaluation', 'error'],
    ])
    expect(answerNode.children[2]!.error).toMatchObject({ message: 'answer too short', type: 'RangeError' })
    expect(answerNode.children[1]).toMatchObject({ inputTokens: 120, outputTokens: 30 })
    expect(request.subtreeTokens).toBe(150)
  })

  it('reads back a labelled prompt (and renders it) and a dataset version', async () => {
    const wb = ingest.workbench
    await wb.call('objects.save', { kind: 'prompt', name: 'summarize', content: '---\nmodel: openai/gpt-4o-mini\n---\nSummarize in one line: {{text}}\n' })
    await wb.call('labels.set', { ref: 'prompt:summarize@latest', label: 'production' })
    await wb.call('objects.save', { kind: 'dataset', name: 'tickets', content: '{"id":"t1","ticket":"refund please"}\n' })
    await wb.call('objects.save', { kind: 'dataset', name: 'tickets', content: '{"id":"t1","ticket":"refund please"}\n{"id":"t2","ticket":"app crashes"}\n' })
    const prompt = await getPrompt('summarize@production')
    expect(prompt).toMatchObject({ name: 'summarize', version: { n: 1 } })
    expect(prompt.content).toContain('Summarize in one line')
    const rendered = await prompt.render({ text: 'a very long story' })
    expect(rendered.messages.at(-1)!.content).toContain('Summarize in one line: a very long story')
    expect(rendered.missing).toEqual([])
    const v1 = await getDataset('tickets@v1')
    const latest = await getDataset('dataset:tickets@latest')
    expect(v1.rows).toEqual([{ id: 't1', ticket: 'refund please' }])
    expect(latest.rows.map((r) => r.id)).toEqual(['t1', 't2'])
    expect(latest.version.n).toBe(2)
    await expect(getPrompt('summarize@nonexistent-label')).rejects.toMatchObject({ name: 'WeftReadError' })
  })
})
