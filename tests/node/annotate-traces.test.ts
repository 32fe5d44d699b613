/**
 * Annotating production traces end to end, as an app would feed them: spans
 * sent to the real ingest server (native door, with the project token), a
 * queue over the root spans, two annotators, agreement, and the labels
 * written back as a dataset version that an evaluation could use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnnotationInput } from '../../common/schemas/annotation'
import type { SpanInput } from '../../common/schemas/span'
import { startTestIngest, type TestIngest } from './ingestHarness'

let ingest: TestIngest
beforeAll(async () => {
  ingest = await startTestIngest()
})
afterAll(async () => {
  await ingest?.close()
})

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0')
const T0 = Date.now() - 60_000

/** One request of the app: a root `answer` span with an LLM child that used tokens. */
function request(n: number, env: string, question: string, answer: string): SpanInput[] {
  const traceId = hex(0x5000 + n, 32)
  const root = { id: hex(n * 10 + 1, 16), traceId, parentId: null, name: 'answer', kind: 'chain' as const, startMs: T0 + n * 1000, endMs: T0 + n * 1000 + 400, inputs: { question }, output: answer, attributes: { env } }
  const llm = { id: hex(n * 10 + 2, 16), traceId, parentId: root.id, name: 'chat', kind: 'llm' as const, startMs: T0 + n * 1000 + 10, endMs: T0 + n * 1000 + 390, usage: { 'gpt-4o-mini': { inputTokens: 30, outputTokens: 12 } } }
  return [llm, root]
}

async function send(spans: SpanInput[]): Promise<void> {
  const res = await fetch(`${ingest.url}/weft/v1/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.token}` },
    body: JSON.stringify({ spans }),
  })
  expect(res.status).toBe(200)
}

describe('annotating traces from the ingest server', () => {
  it('queues root spans by name and attribute, takes two annotators, measures agreement and writes a gold dataset', async () => {
    const wb = ingest.workbench
    await send([
      ...request(1, 'prod', 'How do I reset my password?', 'Use the reset link on the sign-in page.'),
      ...request(2, 'prod', 'Can I pay yearly?', 'No.'),
      ...request(3, 'staging', 'Is there dark mode?', 'Yes, in settings.'),
      ...request(4, 'prod', 'Where is my invoice?', 'Billing → Invoices.'),
    ])
    await wb.call('objects.save', {
      kind: 'queue', name: 'prod-answers',
      content: 'source: {traces: {name: answer, attributes: {env: prod}, since: 1h}}\nfields:\n  - {name: helpful, type: binary}\n  - {name: tone, type: categorical, options: [friendly, curt]}\nwriteBack: {dataset: support-gold}\n',
    })
    const { queue, items, total } = await wb.call('annotations.items', { queue: 'prod-answers' })
    expect(total).toBe(3)
    expect(items.map((i) => i.input)).toEqual([{ question: 'Where is my invoice?' }, { question: 'Can I pay yearly?' }, { question: 'How do I reset my password?' }])
    expect(items[1]).toMatchObject({ output: 'No.', traceId: hex(0x5002, 32), metadata: { name: 'answer', latencyMs: 400, tokens: 42 } })

    const annotation = (annotator: string, itemId: string, helpful: boolean, tone: string, extra: Partial<AnnotationInput> = {}): AnnotationInput => ({
      id: `${annotator}-${itemId}`.slice(0, 64), queue: 'prod-answers', queueVersion: queue.version, itemId, annotator, values: { helpful, tone }, updatedMs: Date.now(), ...extra,
    })
    const [invoice, yearly, reset] = items.map((i) => i.id) as [string, string, string]
    const result = await wb.call('annotations.submit', {
      annotations: [
        annotation('ana', invoice, true, 'friendly'), annotation('ana', yearly, false, 'curt', { expected: 'Yes: switch to yearly billing under Plan.' }), annotation('ana', reset, true, 'friendly'),
        annotation('bo', invoice, true, 'friendly'), annotation('bo', yearly, false, 'friendly'), annotation('bo', reset, true, 'friendly'),
      ],
    })
    expect(result).toMatchObject({ stale: [], rejected: [] })
    expect(result.stored).toHaveLength(6)

    const agreement = await wb.call('annotations.agreement', { queue: 'prod-answers' })
    expect(agreement).toMatchObject({ annotators: ['ana', 'bo'], items: 3 })
    expect(agreement.fields[0]).toMatchObject({ field: 'helpful', percentAgreement: 1, pairs: [{ a: 'ana', b: 'bo', items: 3, agreement: 1, kappa: 1 }] })
    expect(agreement.fields[1]).toMatchObject({ field: 'tone', percentAgreement: 2 / 3 })

    const written = await wb.call('annotations.writeBack', { queue: 'prod-answers', resolve: { annotator: 'ana' } })
    expect(written).toMatchObject({ dataset: 'support-gold', created: true, rows: { added: 3, updated: 0, unchanged: 0 } })
    const rows = (await wb.call('objects.get', { ref: 'dataset:support-gold' })).content.trim().split('\n').map((l) => JSON.parse(l) as unknown)
    expect(rows).toEqual([
      { id: invoice, question: 'Where is my invoice?', expected: 'Billing → Invoices.', labels: { helpful: true, tone: 'friendly' } },
      { id: yearly, question: 'Can I pay yearly?', expected: 'Yes: switch to yearly billing under Plan.', labels: { helpful: false, tone: 'curt' } },
      { id: reset, question: 'How do I reset my password?', expected: 'Use the reset link on the sign-in page.', labels: { helpful: true, tone: 'friendly' } },
    ])
    expect((await wb.call('annotations.queues', {})).queues).toMatchObject([{ name: 'prod-answers', total: 3, done: 3, byAnnotator: { ana: 3, bo: 3 } }])
  })
})
