import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliSession } from './cliTesting'

const cli = cliSession()
const { weft, file } = cli
const p = ['--project', 'proj']

beforeAll(async () => {
  cli.open('weft-cli-eval-')
  expect(await weft('init', 'proj')).toBe(0)
  await weft('save', 'prompt:triage', file('p.prompt', 'Triage: {{ticket}}\n'), ...p)
  await weft('save', 'model:offline', file('m.yaml', 'provider: echo\nmodel: echo\n'), ...p)
  const rows = Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `t${i}`, ticket: i < 6 ? `refund ${i}` : 'printer', expected: 'refund' })).join('\n')
  await weft('save', 'dataset:tickets', file('d.jsonl', `${rows}\n`), ...p)
  await weft('save', 'evaluation:triage', file('e.yaml', 'dataset: tickets\ntarget: {prompt: triage, model: offline}\nscorers:\n  - {id: mentions, type: contains, params: {values: ["{{expected}}"]}}\nthresholds: {mentions: 0.5}\n'), ...p)
})
afterAll(() => fs.rmSync(cli.root, { recursive: true, force: true }))

describe('weft eval', () => {
  it('runs an evaluation, prints the summary, and fails on a threshold', async () => {
    expect(await weft('eval', 'run', 'triage', ...p)).toBe(0)
    expect(cli.out).toMatch(/^triage · run \S+ · finished/)
    expect(cli.out).toMatch(/mentions +0\.750 +75\.0%/)
    const first = /run (\S+)/.exec(cli.out)![1]!
    expect(await weft('eval', 'run', 'triage', '--threshold', 'mentions>=0.9', ...p)).toBe(1)
    expect(cli.out).toContain('THRESHOLD FAILED: mentions 0.750 < 0.9')
    const second = /run (\S+)/.exec(cli.out)![1]!
    expect(await weft('eval', 'run', 'triage', '--threshold', 'tone>=0.9', ...p)).toBe(1)
    expect(cli.err).toMatch(/not a scorer of this evaluation/)

    expect(await weft('eval', 'list', ...p)).toBe(0)
    expect(cli.out.trim().split('\n').length).toBeGreaterThanOrEqual(2)
    expect(await weft('eval', 'show', first, ...p)).toBe(0)
    expect(cli.out).toMatch(/prompt +prompt:triage@[0-9a-f]{40}/)
    expect(cli.out).toContain('t6: mentions failed')
    expect(await weft('eval', 'compare', first, second, '--json', ...p)).toBe(0)
    expect(JSON.parse(cli.out)).toMatchObject({ regressions: [], changedOutputs: [] })
    // Several candidates: each against the first run.
    expect(await weft('eval', 'compare', first, second, second, '--json', ...p)).toBe(0)
    expect(JSON.parse(cli.out)).toMatchObject({ baseline: first, comparisons: [{ candidate: second, regressions: [] }, { candidate: second }] })
    expect(await weft('eval', 'compare', first, first, ...p)).toBe(1)
    expect(cli.err).toMatch(/not with itself/)
    expect(await weft('eval', 'show', 'nope', ...p)).toBe(1)
    expect(cli.err).toMatch(/No evaluation run nope/)
  })

  it('writes JUnit for CI and checks against a baseline run', async () => {
    expect(await weft('eval', 'run', 'triage', '--format', 'junit', '-o', 'report.xml', ...p)).toBe(0)
    const xml = fs.readFileSync(path.join(cli.root, 'report.xml'), 'utf8')
    expect(xml).toMatch(/<testsuites name="weft eval" tests="9" failures="2" errors="0">/)
    expect(cli.out).toMatch(/report written to report\.xml/)
    // The same prompt against the last finished run: no regression.
    expect(await weft('eval', 'run', 'triage', '--baseline', 'last', ...p)).toBe(0)
    expect(cli.out).toMatch(/against \S+: 0 rows regressed, 0 improved/)
    // A worse prompt regresses beyond noise: exit 1.
    await weft('save', 'prompt:triage', file('p2.prompt', 'Triage ticket\n'), ...p)
    expect(await weft('eval', 'run', 'triage', '--baseline', 'last', '--threshold', 'mentions>=0', ...p)).toBe(1)
    expect(cli.out).toMatch(/REGRESSION: mentions 0\.75 → 0 \(beyond noise\)/)
    expect(await weft('eval', 'run', 'triage', '--format', 'yaml', ...p)).toBe(1)
    expect(cli.err).toMatch(/--format takes table, json or junit/)
  })

  it('overrides the definition with --set, prints the run id first, and resumes the latest unfinished run', async () => {
    await weft('save', 'prompt:triage', file('p3.prompt', 'Triage: {{ticket}}\n'), ...p)
    const code = await weft('eval', 'run', 'triage', '--set', 'scorers.0.params.values=[printer]', '--set', 'thresholds.mentions=0.2', ...p)
    expect(code, cli.err).toBe(0)
    expect(cli.out).toMatch(/mentions +0\.250 +25\.0%/)
    // Without a terminal the run id still comes cli.out on stderr, with the command that resumes it.
    expect(cli.err).toMatch(/^triage: run (\S+) \(resume with: weft eval run triage --resume \1\)/)
    expect(await weft('eval', 'run', 'triage', '--set', 'trials=zero', ...p)).toBe(1)
    expect(cli.err).toMatch(/--set trials=zero: trials: /)
    expect(await weft('eval', 'run', 'triage', '--concurrency', '0', ...p)).toBe(1)
    expect(cli.err).toMatch(/--concurrency takes a whole number/)
    expect(await weft('eval', 'run', 'triage', '--resume', ...p)).toBe(1)
    expect(cli.err).toMatch(/No interrupted or cancelled run of triage to resume/)
  })

  it('takes a label as the baseline: the latest run of the version it marks', async () => {
    expect(await weft('eval', 'run', 'triage', ...p)).toBe(0)
    const good = /run (\S+)/.exec(cli.out)![1]!
    expect(await weft('label', 'prompt:triage@latest', 'production', ...p)).toBe(0)
    await weft('save', 'prompt:triage', file('p4.prompt', 'Triage it\n'), ...p)
    expect(await weft('eval', 'run', 'triage', '--baseline', 'production', '--format', 'json', ...p)).toBe(1)
    const report = JSON.parse(cli.out) as { baseline: string; regressed: string[] }
    expect(report).toMatchObject({ baseline: good, regressed: ['mentions'] })
    expect(await weft('eval', 'run', 'triage', '--baseline', 'staging', ...p)).toBe(1)
    expect(cli.err).toMatch(/--baseline staging: not a run id, 'last', or a label/)
  })
})

describe('weft eval export and import', () => {
  it('exports runs as a bundle that another project imports, shows and compares', async () => {
    await weft('save', 'prompt:echo', file('echo.prompt', '{{ticket}}\n'), ...p)
    const tricky = [{ id: 'q1', ticket: 'refund, "now"\nplease', expected: 'refund' }, { id: 'q2', ticket: 'printer', expected: 'refund' }]
    await weft('save', 'dataset:tricky', file('tricky.jsonl', `${tricky.map((r) => JSON.stringify(r)).join('\n')}\n`), ...p)
    await weft('save', 'evaluation:tricky', file('t.yaml', 'dataset: tricky\ntarget: {prompt: echo, model: offline}\nscorers:\n  - {id: mentions, type: contains, params: {values: ["{{expected}}"]}}\nthresholds: {mentions: 0.9}\n'), ...p)
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      // The second run pins a changed definition (a lower threshold): outputs stay, the evaluation's version differs.
      if (i === 1) await weft('save', 'evaluation:tricky', file('t2.yaml', 'dataset: tricky\ntarget: {prompt: echo, model: offline}\nscorers:\n  - {id: mentions, type: contains, params: {values: ["{{expected}}"]}}\nthresholds: {mentions: 0.4}\n'), ...p)
      await weft('eval', 'run', 'tricky', ...p)
      ids.push(/run (\S+)/.exec(cli.out)![1]!)
    }
    expect(await weft('eval', 'export', ids[0]!, '-o', 'bundles/', ...p), cli.err).toBe(0)
    expect(cli.out).toMatch(new RegExp(`written to bundles/tricky-${ids[0]}\\.weft-run\\.json`))
    expect(await weft('eval', 'export', ids[1]!, '-o', 'second.weft-run.json', ...p)).toBe(0)
    const bundle = JSON.parse(fs.readFileSync(path.join(cli.root, 'bundles', `tricky-${ids[0]}.weft-run.json`), 'utf8')) as { weftRunBundle: number; rows: unknown[]; objects: Record<string, string>; spans: Array<{ traceId: string }> }
    expect(bundle.weftRunBundle).toBe(1)
    expect(bundle.rows).toHaveLength(2)
    expect(Object.keys(bundle.objects).sort().map((ref) => ref.split('@')[0])).toEqual(['dataset:tricky', 'evaluation:tricky', 'model:offline', 'prompt:echo'])
    expect(bundle.objects[Object.keys(bundle.objects).find((r) => r.startsWith('prompt:'))!]).toBe('{{ticket}}\n')
    expect(bundle.spans.length).toBeGreaterThanOrEqual(2)

    // A second project, which has none of these versions.
    expect(await weft('init', 'other')).toBe(0)
    const o = ['--project', 'other']
    expect(await weft('eval', 'import', `bundles/tricky-${ids[0]}.weft-run.json`, ...o), cli.err).toBe(0)
    expect(cli.out).toMatch(new RegExp(`imported run ${ids[0]} \\(tricky\\): 2 rows, \\d+ spans, 4 pinned versions`))
    expect(await weft('eval', 'import', `bundles/tricky-${ids[0]}.weft-run.json`, ...o)).toBe(0)
    expect(cli.out).toMatch(/already here, identical; nothing changed/)
    expect(await weft('eval', 'import', 'second.weft-run.json', ...o)).toBe(0)
    expect(await weft('eval', 'list', ...o)).toBe(0)
    expect(cli.out.trim().split('\n')).toHaveLength(2)
    expect(await weft('eval', 'show', ids[0]!, ...o)).toBe(0)
    expect(cli.out).toMatch(/prompt +prompt:echo@[0-9a-f]{40}/)
    expect(cli.out).toContain('q2: mentions failed')
    expect(await weft('eval', 'compare', ids[0]!, ids[1]!, '--json', ...o)).toBe(0)
    expect(JSON.parse(cli.out)).toMatchObject({ regressions: [], changedOutputs: [] })
    // What changed between them, though neither version is in this project: read from the bundles.
    expect(await weft('call', 'evals.diff', JSON.stringify({ baseline: ids[0], candidate: ids[1], key: 'evaluation' }), ...o), cli.err).toBe(0)
    const lines = (JSON.parse(cli.out) as { diff: { text: { hunks: Array<{ lines: Array<{ type: string; text: string }> }> } } }).diff.text.hunks.flatMap((h) => h.lines)
    expect(lines.filter((l) => l.type !== 'context').map((l) => `${l.type} ${l.text}`)).toEqual(['removed thresholds: {mentions: 0.9}', 'added thresholds: {mentions: 0.4}'])
    expect(await weft('call', 'evals.diff', JSON.stringify({ baseline: ids[0], candidate: ids[1], key: 'nothing' }), ...o)).toBe(1)
    expect(cli.err).toMatch(/Only one of the runs pinned "nothing"/)
    // The exported spans came along: the row's trace is in the other project's trace database.
    expect(await weft('eval', 'show', ids[0]!, '--json', ...o)).toBe(0)
    const traceId = (JSON.parse(cli.out) as { rows: Array<{ traceId?: string }> }).rows[0]!.traceId!
    expect(bundle.spans.some((s) => s.traceId === traceId)).toBe(true)
    // Exporting the imported run again carries the versions it was imported with.
    expect(await weft('eval', 'export', ids[0]!, ...o)).toBe(0)
    expect(Object.keys((JSON.parse(cli.out) as typeof bundle).objects)).toHaveLength(4)
  })

  it('writes CSV with RFC 4180 quoting and JUnit with the thresholds', async () => {
    // The first run of tricky (newest are listed first): its definition has the 0.9 threshold.
    const id = [...(await weft('eval', 'list', 'tricky', ...p), cli.out).matchAll(/(\S+) {2}tricky/g)].at(-1)![1]!
    expect(await weft('eval', 'export', id, '--format', 'csv', ...p)).toBe(0)
    const Papa = (await import('papaparse')).default
    const parsed = Papa.parse<Record<string, string>>(cli.out.trim(), { header: true })
    expect(parsed.meta.fields).toEqual(['rowId', 'trial', 'output', 'error', 'latencyMs', 'tokens', 'costUsd', 'mentions.score', 'mentions.pass', 'mentions.reason'])
    expect(parsed.data.map((r) => [r.rowId, r['mentions.pass']])).toEqual([['q1', 'true'], ['q2', 'false']])
    expect(parsed.data[0]!.output).toContain('refund, "now"\nplease')
    expect(cli.out).toContain('"refund, ""now""\nplease')
    expect(await weft('eval', 'export', id, '--format', 'junit', '-o', 'tricky.xml', ...p)).toBe(0)
    const xml = fs.readFileSync(path.join(cli.root, 'tricky.xml'), 'utf8')
    expect(xml).toMatch(/<testcase classname="tricky.thresholds" name="mentions"><failure message="mentions 0.500 &lt; 0.9"\/>/)
    expect(await weft('eval', 'export', id, '--format', 'xlsx', ...p)).toBe(1)
    expect(cli.err).toMatch(/--format takes bundle, csv or junit/)
  })

  it('refuses a bad bundle with the field at fault', async () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(cli.root, 'second.weft-run.json'), 'utf8')) as { run: { id: string }; rows: Array<{ scores: Record<string, { score: unknown }> }> }
    bundle.run.id = 'another-run'
    bundle.rows[1]!.scores.mentions!.score = 'high'
    expect(await weft('eval', 'import', file('bad.weft-run.json', JSON.stringify(bundle)), '--project', 'other')).toBe(1)
    expect(cli.err).toMatch(/bad\.weft-run\.json: Invalid run bundle: rows\.1\.scores\.mentions\.score: .*expected number/)
    expect(await weft('eval', 'import', file('notjson.weft-run.json', '{"weftRunBundle": 1,'), '--project', 'other')).toBe(1)
    expect(cli.err).toMatch(/not JSON/)
    expect(await weft('eval', 'import', 'missing.json', '--project', 'other')).toBe(1)
    expect(cli.err).toMatch(/No file missing\.json/)
  })
})
