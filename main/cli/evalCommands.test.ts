import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWeft } from './cliTesting'

let root: string
let out: string
let err: string

async function weft(...argv: string[]): Promise<number> {
  let code: number
  ;({ code, out, err } = await runWeft(argv, { cwd: root }))
  return code
}
const p = ['--project', 'proj']
const file = (name: string, text: string) => {
  fs.writeFileSync(path.join(root, name), text)
  return name
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cli-eval-'))
  expect(await weft('init', 'proj')).toBe(0)
  await weft('save', 'prompt:triage', file('p.prompt', 'Triage: {{ticket}}\n'), ...p)
  await weft('save', 'model:offline', file('m.yaml', 'provider: echo\nmodel: echo\n'), ...p)
  const rows = Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `t${i}`, ticket: i < 6 ? `refund ${i}` : 'printer', expected: 'refund' })).join('\n')
  await weft('save', 'dataset:tickets', file('d.jsonl', `${rows}\n`), ...p)
  await weft('save', 'evaluation:triage', file('e.yaml', 'dataset: tickets\ntarget: {prompt: triage, model: offline}\nscorers:\n  - {id: mentions, type: contains, params: {values: ["{{expected}}"]}}\nthresholds: {mentions: 0.5}\n'), ...p)
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('weft eval', () => {
  it('runs an evaluation, prints the summary, and fails on a threshold', async () => {
    expect(await weft('eval', 'run', 'triage', ...p)).toBe(0)
    expect(out).toMatch(/^triage · run \S+ · finished/)
    expect(out).toMatch(/mentions +0\.750 +75\.0%/)
    const first = /run (\S+)/.exec(out)![1]!
    expect(await weft('eval', 'run', 'triage', '--threshold', 'mentions>=0.9', ...p)).toBe(1)
    expect(out).toContain('THRESHOLD FAILED: mentions 0.750 < 0.9')
    const second = /run (\S+)/.exec(out)![1]!
    expect(await weft('eval', 'run', 'triage', '--threshold', 'tone>=0.9', ...p)).toBe(1)
    expect(err).toMatch(/not a scorer of this evaluation/)

    expect(await weft('eval', 'list', ...p)).toBe(0)
    expect(out.trim().split('\n').length).toBeGreaterThanOrEqual(2)
    expect(await weft('eval', 'show', first, ...p)).toBe(0)
    expect(out).toMatch(/prompt +prompt:triage@[0-9a-f]{40}/)
    expect(out).toContain('t6: mentions failed')
    expect(await weft('eval', 'compare', first, second, '--json', ...p)).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ regressions: [], changedOutputs: [] })
    // Several candidates: each against the first run.
    expect(await weft('eval', 'compare', first, second, second, '--json', ...p)).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ baseline: first, comparisons: [{ candidate: second, regressions: [] }, { candidate: second }] })
    expect(await weft('eval', 'compare', first, first, ...p)).toBe(1)
    expect(err).toMatch(/not with itself/)
    expect(await weft('eval', 'show', 'nope', ...p)).toBe(1)
    expect(err).toMatch(/No evaluation run nope/)
  })

  it('writes JUnit for CI and checks against a baseline run', async () => {
    expect(await weft('eval', 'run', 'triage', '--format', 'junit', '-o', 'report.xml', ...p)).toBe(0)
    const xml = fs.readFileSync(path.join(root, 'report.xml'), 'utf8')
    expect(xml).toMatch(/<testsuites name="weft eval" tests="9" failures="2" errors="0">/)
    expect(out).toMatch(/report written to report\.xml/)
    // The same prompt against the last finished run: no regression.
    expect(await weft('eval', 'run', 'triage', '--baseline', 'last', ...p)).toBe(0)
    expect(out).toMatch(/against \S+: 0 rows regressed, 0 improved/)
    // A worse prompt regresses beyond noise: exit 1.
    await weft('save', 'prompt:triage', file('p2.prompt', 'Triage ticket\n'), ...p)
    expect(await weft('eval', 'run', 'triage', '--baseline', 'last', '--threshold', 'mentions>=0', ...p)).toBe(1)
    expect(out).toMatch(/REGRESSION: mentions 0\.75 → 0 \(beyond noise\)/)
    expect(await weft('eval', 'run', 'triage', '--format', 'yaml', ...p)).toBe(1)
    expect(err).toMatch(/--format takes table, json or junit/)
  })

  it('overrides the definition with --set, prints the run id first, and resumes the latest unfinished run', async () => {
    await weft('save', 'prompt:triage', file('p3.prompt', 'Triage: {{ticket}}\n'), ...p)
    const code = await weft('eval', 'run', 'triage', '--set', 'scorers.0.params.values=[printer]', '--set', 'thresholds.mentions=0.2', ...p)
    expect(code, err).toBe(0)
    expect(out).toMatch(/mentions +0\.250 +25\.0%/)
    // Without a terminal the run id still comes out on stderr, with the command that resumes it.
    expect(err).toMatch(/^triage: run (\S+) \(resume with: weft eval run triage --resume \1\)/)
    expect(await weft('eval', 'run', 'triage', '--set', 'trials=zero', ...p)).toBe(1)
    expect(err).toMatch(/--set trials=zero: trials: /)
    expect(await weft('eval', 'run', 'triage', '--concurrency', '0', ...p)).toBe(1)
    expect(err).toMatch(/--concurrency takes a whole number/)
    expect(await weft('eval', 'run', 'triage', '--resume', ...p)).toBe(1)
    expect(err).toMatch(/No interrupted or cancelled run of triage to resume/)
  })

  it('takes a label as the baseline: the latest run of the version it marks', async () => {
    expect(await weft('eval', 'run', 'triage', ...p)).toBe(0)
    const good = /run (\S+)/.exec(out)![1]!
    expect(await weft('label', 'prompt:triage@latest', 'production', ...p)).toBe(0)
    await weft('save', 'prompt:triage', file('p4.prompt', 'Triage it\n'), ...p)
    expect(await weft('eval', 'run', 'triage', '--baseline', 'production', '--format', 'json', ...p)).toBe(1)
    const report = JSON.parse(out) as { baseline: string; regressed: string[] }
    expect(report).toMatchObject({ baseline: good, regressed: ['mentions'] })
    expect(await weft('eval', 'run', 'triage', '--baseline', 'staging', ...p)).toBe(1)
    expect(err).toMatch(/--baseline staging: not a run id, 'last', or a label/)
  })
})
