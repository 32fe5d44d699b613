import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliSession } from './cliTesting'
import { parseResolve } from './annotateCommands'

const cli = cliSession()
const { weft, file } = cli
const p = ['--project', 'proj']

beforeAll(async () => {
  cli.open('weft-cli-annotate-')
  expect(await weft('init', 'proj')).toBe(0)
  await weft('save', 'dataset:tickets', file('d.jsonl', '{"id":"t1","ticket":"refund please"}\n{"id":"t2","ticket":"crash"}\n{"id":"t3","ticket":"hello"}\n'), ...p)
  expect(await weft('save', 'queue:triage', file('q.yaml', 'source: {dataset: tickets}\nfields:\n  - {name: category, type: categorical, options: [billing, bug, other]}\n  - {name: note, type: text, required: false}\n'), ...p)).toBe(0)
  expect(await weft('call', 'refs.resolve', JSON.stringify({ ref: 'queue:triage' }), ...p)).toBe(0)
  const version = (JSON.parse(cli.out) as { digest: string }).digest
  const a = (id: string, annotator: string, itemId: string, category: string, updatedMs: number) => ({ id, queue: 'triage', queueVersion: version, itemId, annotator, values: { category }, updatedMs })
  const annotations = [
    a('ana-t1-00', 'ana', 't1', 'billing', 1), a('bo-t1-000', 'bo', 't1', 'billing', 2),
    a('ana-t2-00', 'ana', 't2', 'bug', 3), a('bo-t2-000', 'bo', 't2', 'other', 4),
    a('ana-t3-00', 'ana', 't3', 'other', 5), a('bo-t3-000', 'bo', 't3', 'other', 6),
  ]
  expect(await weft('call', 'annotations.submit', JSON.stringify({ annotations }), ...p)).toBe(0)
  expect(JSON.parse(cli.out)).toMatchObject({ stored: annotations.map((x) => x.id) })
})
afterAll(() => fs.rmSync(cli.root, { recursive: true, force: true }))

describe('weft annotate', () => {
  it('lists queues with their progress', async () => {
    expect(await weft('annotate', 'list', ...p)).toBe(0)
    expect(cli.out).toMatch(/^triage +dataset tickets +3\/3 done {2}· ana 3, bo 3\n$/)
    expect(await weft('annotate', 'list', '--json', ...p)).toBe(0)
    expect(JSON.parse(cli.out)).toMatchObject({ queues: [{ name: 'triage', total: 3, done: 3, byAnnotator: { ana: 3, bo: 3 } }] })
  })

  it('prints agreement per field and pair', async () => {
    expect(await weft('annotate', 'agreement', 'triage', ...p)).toBe(0)
    expect(cli.out).toContain('triage: 2 annotators (ana, bo), 3 items annotated by two or more')
    // 2 of 3 agree; kappa: po 2/3, pe = 1/3·1/3 + 1/3·0 + 1/3·2/3 = 1/3 → 0.5.
    expect(cli.out).toMatch(/category +categorical +3 +66\.7% +\S+/)
    expect(cli.out).toContain('category: ana × bo  3 items, 66.7% agree, kappa 0.500')
  })

  it('exports JSONL and CSV to standard output or a file', async () => {
    expect(await weft('annotate', 'export', 'triage', ...p)).toBe(0)
    expect(cli.out.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['ana-t1-00', 'bo-t1-000', 'ana-t2-00', 'bo-t2-000', 'ana-t3-00', 'bo-t3-000'])
    expect(await weft('annotate', 'export', 'triage', '--format', 'csv', '-o', 'out/', ...p)).toBe(0)
    expect(cli.out).toBe(`6 annotations of triage written to ${path.join('out', 'triage-annotations.csv')}\n`)
    expect(fs.readFileSync(path.join(cli.root, 'out', 'triage-annotations.csv'), 'utf8').split('\r\n')[0]).toBe('itemId,annotator,category,values.note,expected,note,updated')
    expect(await weft('annotate', 'export', 'triage', '--format', 'xlsx', ...p)).toBe(1)
    expect(cli.err).toContain('--format takes jsonl or csv')
  })

  it('writes labels back as one version, says when nothing changes, and resolves by majority or annotator', async () => {
    expect(await weft('annotate', 'write-back', 'triage', '--resolve', 'ana', '-m', "Ana's labels", ...p)).toBe(0)
    expect(cli.out).toMatch(/^dataset:tickets v2 \([0-9a-f]{7}\): 3 rows updated, 0 added, 0 unchanged\n$/)
    expect(await weft('get', 'dataset:tickets', ...p)).toBe(0)
    expect(cli.out).toContain('{"id":"t2","ticket":"crash","labels":{"category":"bug"}}')
    expect(await weft('annotate', 'write-back', 'triage', '--resolve', 'ana', ...p)).toBe(0)
    expect(cli.out).toBe('Nothing to write: dataset:tickets v2 already holds these labels (3 rows unchanged); no commit made\n')
    expect(await weft('annotate', 'write-back', 'triage', '--json', ...p)).toBe(0)
    expect(JSON.parse(cli.out)).toMatchObject({ dataset: 'tickets', rows: { updated: 1, added: 0, unchanged: 2 }, version: { n: 3, message: 'Labels from queue triage' } })
    expect(await weft('annotate', 'write-back', 'nope', ...p)).toBe(1)
    expect(cli.err).toContain('No annotation queue named "nope"')
  })

  it('reads --resolve as a strategy or an annotator', () => {
    expect([parseResolve('latest'), parseResolve('majority'), parseResolve(' ana ')]).toEqual(['latest', 'majority', { annotator: 'ana' }])
    expect(() => parseResolve(' ')).toThrow(/--resolve takes/)
  })
})
