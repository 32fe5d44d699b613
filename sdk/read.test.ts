import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getDataset, getPrompt, init, shutdown, WeftReadError } from './index'
import { startSink, type Sink } from './test/sink'

let sink: Sink
const DIGEST = 'a'.repeat(40)
const PROMPT = '---\nmodel: echo/test\n---\nSummarize: {{text}}\n'

beforeAll(async () => {
  sink = await startSink()
  init({ endpoint: sink.url, token: 'tok', warn: () => {} })
  sink.onRead((path, body) => {
    if (path === '/weft/v1/objects/get') {
      const ref = body.ref as string
      if (ref === 'prompt:summarize@production') return { status: 200, body: { resolved: { kind: 'prompt', name: 'summarize', digest: DIGEST, n: 3, via: 'label', ref }, content: PROMPT } }
      if (ref === 'dataset:tickets@v3') return { status: 200, body: { resolved: { kind: 'dataset', name: 'tickets', digest: DIGEST, n: 3, via: 'ordinal', ref }, content: '{"id":"t1","input":{"q":"a"}}\n{"id":"t2","input":{"q":"b"}}\n' } }
      if (ref === 'dataset:broken@v1') return { status: 200, body: { resolved: { kind: 'dataset', name: 'broken', digest: DIGEST, n: 1, via: 'ordinal', ref }, content: '{"id":1}\nnot json\n' } }
      if (ref.includes('@!')) return { status: 400, body: { error: { code: 'INVALID_REQUEST', message: 'Invalid reference' } } }
      return { status: 404, body: { error: { code: 'NOT_FOUND', message: `No version matches ${ref}` } } }
    }
    if (path === '/weft/v1/prompts/render') {
      const variables = body.variables as Record<string, unknown>
      return { status: 200, body: { messages: [{ role: 'user', content: `Summarize: ${String(variables.text ?? '')}` }], config: {}, model: 'echo/test', missing: variables.text === undefined ? ['text'] : [], unexpected: [] } }
    }
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route' } } }
  })
})
afterAll(async () => {
  await shutdown()
  await sink.close()
})

describe('getPrompt', () => {
  it('reads a prompt by label, with or without the kind, and renders that exact version', async () => {
    for (const ref of ['summarize@production', 'prompt:summarize@production']) {
      const prompt = await getPrompt(ref)
      expect(prompt).toMatchObject({ ref: `prompt:summarize@${DIGEST}`, name: 'summarize', version: { digest: DIGEST, n: 3 }, content: PROMPT })
    }
    const prompt = await getPrompt('summarize@production')
    const rendered = await prompt.render({ text: 'a long story' })
    expect(rendered).toEqual({ messages: [{ role: 'user', content: 'Summarize: a long story' }], config: {}, model: 'echo/test', missing: [], unexpected: [] })
    const request = sink.requests.at(-1)!
    expect(request.body).toEqual({ ref: `prompt:summarize@${DIGEST}`, variables: { text: 'a long story' } })
    expect(request.headers.authorization).toBe('Bearer tok')
    expect((await prompt.render()).missing).toEqual(['text'])
  })

  it('throws a clear WeftReadError on 404, 400, a wrong kind and an unreachable Weft', async () => {
    const missing = await getPrompt('nope@production').catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(WeftReadError)
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'Weft could not read prompt:nope@production: No version matches prompt:nope@production (HTTP 404)' })
    await expect(getPrompt('x@!')).rejects.toMatchObject({ status: 400, code: 'INVALID_REQUEST' })
    await expect(getPrompt('dataset:tickets@v3')).rejects.toThrow('names a dataset, not a prompt')
    await expect(getPrompt('summarize', { endpoint: 'http://127.0.0.1:1' })).rejects.toMatchObject({ code: 'UNREACHABLE', status: 0 })
  })
})

describe('getDataset', () => {
  it('reads the rows of a dataset version', async () => {
    const dataset = await getDataset('tickets@v3')
    expect(dataset).toEqual({ ref: `dataset:tickets@${DIGEST}`, name: 'tickets', version: { digest: DIGEST, n: 3 }, rows: [{ id: 't1', input: { q: 'a' } }, { id: 't2', input: { q: 'b' } }] })
    await expect(getDataset('broken@v1')).rejects.toThrow('line 2 is not JSON')
    await expect(getDataset('weft://dataset/missing@v9')).rejects.toMatchObject({ status: 404 })
  })
})
