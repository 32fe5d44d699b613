/**
 * Reliability of evaluation runs (issue 8): `kill -9` in the middle of a run,
 * then `weft eval run --resume`: exactly the rows that were not stored run
 * again, every row is stored once, and the summary equals that of an
 * uninterrupted run. The built CLI (bin/weft.js, built by `npm test` before
 * the tests) runs as a real process against a local fake model that answers
 * after 30 ms and counts requests per row.
 */
import Database from 'better-sqlite3'
import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '..', '..')
const WEFT_BIN = path.join(ROOT, 'bin', 'weft.js')
const ROWS = 60
const KILL_AFTER = 20
const run = promisify(execFile)

/** A chat-completions fake: 30 ms per answer, derived from the row id in the prompt; requests counted per row and phase. */
async function startModel() {
  const requests: Array<{ rowId: string; phase: string }> = []
  let phase = 'first'
  const server = http.createServer((req, res) => {
    let text = ''
    req.on('data', (c: Buffer) => (text += c))
    req.on('end', () => {
      const body = JSON.parse(text) as { messages: Array<{ content: string }> }
      const prompt = body.messages.at(-1)!.content
      const rowId = /row (r\d+)/.exec(prompt)?.[1] ?? '?'
      requests.push({ rowId, phase })
      // Every third row gets the wrong label: the scorers' means are not all 1.
      const n = Number(rowId.slice(1))
      const content = `label ${n % 3 === 0 ? 'wrong' : `L${n % 5}`}`
      const reply = JSON.stringify({
        id: `c-${requests.length}`, object: 'chat.completion', created: 0, model: 'fake',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: prompt.length, completion_tokens: content.length, total_tokens: prompt.length + content.length },
      })
      setTimeout(() => {
        if (res.destroyed) return
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(reply)
      }, 30)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    setPhase: (next: string) => void (phase = next),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  }
}

let dir: string
let model: Awaited<ReturnType<typeof startModel>>
const env = () => ({ ...process.env, WEFT_HOME: path.join(dir, 'home'), WEFT_TEST_MODEL_KEY: 'not-needed' })
const project = () => path.join(dir, 'proj')
type RunCli = (argv: string[], io: { out(t: string): void; err(t: string): void; cwd: string; env: NodeJS.ProcessEnv; stdin(): Promise<string> }) => Promise<number>
let runCli: RunCli
/**
 * The built CLI in this process, for set-up and reads (a process each would
 * cost ~0.7 s of start-up); the runs themselves are real processes.
 */
async function weft(...args: string[]): Promise<string> {
  let out = ''
  let err = ''
  const code = await runCli([...args, '--project', project()], { out: (t) => (out += t), err: (t) => (err += t), cwd: dir, env: env(), stdin: async () => '' })
  if (code !== 0) throw new Error(`weft ${args.join(' ')} exited with ${code}: ${err}`)
  return out
}
type Shown = { run: { id: string; status: string; summary: Record<string, unknown> | null }; rows: Array<{ rowId: string; trial: number }> }
const show = async (runId: string) => JSON.parse(await weft('eval', 'show', runId, '--json')) as Shown
/** The summary without its latency figures, which vary from run to run. */
const comparable = (summary: Record<string, unknown> | null) => {
  const { latencyP50Ms: _p50, latencyP95Ms: _p95, ...rest } = summary ?? {}
  return rest
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('out/main/cli.js is missing: run `npx electron-vite build` (npm test does) first')
  ;({ runCli } = (await import(/* @vite-ignore */ pathToFileURL(path.join(ROOT, 'out', 'main', 'cli.js')).href)) as { runCli: RunCli })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-eval-kill-'))
  model = await startModel()
  const file = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), name)
  await runCli(['init', 'proj'], { out: () => {}, err: () => {}, cwd: dir, env: env(), stdin: async () => '' })
  await weft('save', 'prompt:label', file('p.prompt', 'Give the label of row {{rowId}}: {{text}}\n'))
  await weft('save', 'model:fake', file('m.yaml', `provider: openai-compatible\nmodel: fake\nbase_url: ${model.baseUrl}\napi_key_env: WEFT_TEST_MODEL_KEY\n`))
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const id = `r${String(i).padStart(3, '0')}`
    return JSON.stringify({ id, rowId: id, text: `item ${i}`, expected: `L${i % 5}` })
  })
  await weft('save', 'dataset:items', file('d.jsonl', `${rows.join('\n')}\n`))
  await weft(
    'save', 'evaluation:labels',
    file('e.yaml', 'dataset: items\ntarget: {prompt: label, model: fake}\nconcurrency: 4\nscorers:\n  - {id: has, type: contains}\n  - {id: shape, type: regex, params: {pattern: "^label L\\\\d$"}}\n'),
  )
}, 30_000)

afterAll(async () => {
  await model?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

it('resumes a run killed with SIGKILL with exactly the missing rows, and ends with the summary of an uninterrupted run', async () => {
  const child = spawn(process.execPath, [WEFT_BIN, 'eval', 'run', 'labels', '--no-cache', '--project', project()], { cwd: dir, env: env(), stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  // Watch the run's rows arrive in its database (read-only, beside the writer), and kill mid-run.
  const dbFile = path.join(project(), '.weft', 'traces.db')
  let db: Database.Database | undefined
  let runId: string | undefined
  const storedRows = () => (db!.prepare('SELECT count(*) AS n FROM eval_rows WHERE run_id = ?').get(runId) as { n: number }).n
  const deadline = Date.now() + 15_000
  for (;;) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the run ${child.exitCode === null ? 'stored too few rows in 15 s' : 'ended before it could be killed'}`)
    try {
      db ??= new Database(dbFile, { readonly: true, fileMustExist: true })
      runId ??= (db.prepare("SELECT id FROM eval_runs WHERE name = 'labels' ORDER BY started_ms DESC LIMIT 1").get() as { id: string } | undefined)?.id
      if (runId && storedRows() >= KILL_AFTER) break
    } catch {
      // The database or its tables are not there yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  child.kill('SIGKILL')
  await exited
  // Rows answered but not stored when the process died must run again, so count what is stored now, with the writer gone.
  const storedBefore = new Set((db!.prepare('SELECT row_id FROM eval_rows WHERE run_id = ?').all(runId) as Array<{ row_id: string }>).map((r) => r.row_id))
  db!.close()
  expect(storedBefore.size).toBeGreaterThanOrEqual(KILL_AFTER)
  expect(storedBefore.size).toBeLessThan(ROWS)
  const asked = new Set(model.requests.map((r) => r.rowId))
  for (const rowId of storedBefore) expect(asked.has(rowId)).toBe(true)

  const { runs } = JSON.parse(await weft('eval', 'list', 'labels', '--json')) as { runs: Array<{ id: string; status: string }> }
  expect(runs.find((r) => r.id === runId)?.status).toBe('interrupted')

  model.setPhase('resume')
  await run(process.execPath, [WEFT_BIN, 'eval', 'run', 'labels', '--resume', runId!, '--no-cache', '--project', project()], { cwd: dir, env: env() })
  const resumed = model.requests.filter((r) => r.phase === 'resume').map((r) => r.rowId)
  const missing = Array.from({ length: ROWS }, (_, i) => `r${String(i).padStart(3, '0')}`).filter((id) => !storedBefore.has(id))
  expect(resumed.length).toBe(ROWS - storedBefore.size)
  expect(resumed.sort()).toEqual(missing)

  const after = await show(runId!)
  expect(after.run.status).toBe('finished')
  expect(after.rows.length).toBe(ROWS)
  expect(new Set(after.rows.map((r) => `${r.rowId}/${r.trial}`)).size).toBe(ROWS)

  model.setPhase('whole')
  const { stdout } = await run(process.execPath, [WEFT_BIN, 'eval', 'run', 'labels', '--no-cache', '--format', 'json', '--project', project()], { cwd: dir, env: env(), maxBuffer: 64 << 20 })
  const whole = JSON.parse(stdout) as { run: { id: string } }
  expect(model.requests.filter((r) => r.phase === 'whole').length).toBe(ROWS)
  const uninterrupted = await show(whole.run.id)
  expect(uninterrupted.run.summary).toMatchObject({ rows: ROWS, errors: 0, scorers: { has: { passRate: expect.closeTo(2 / 3, 5) }, shape: { passRate: expect.closeTo(2 / 3, 5) } } })
  expect(comparable(after.run.summary)).toEqual(comparable(uninterrupted.run.summary))
}, 40_000)
