/**
 * Object store benchmark (run by `npm run bench`, not by `npm test`): a project
 * with 10,000 commits of history, one prompt with 1,000 versions. Prints each
 * figure beside its target and beside the same operation done with the git
 * CLI. History is generated with `git fast-import` (seconds instead of the
 * minutes isomorphic-git would take); everything measured is Weft's own path.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, expect, test } from 'vitest'
import { parseRef } from '../common/refs'
import { initProject } from '../main/project/project'
import { canonicalize } from '../main/store/formats'
import { openObjectStore, type ObjectStore } from '../main/store/store'
import { saveObject, setLabel } from '../main/store/writes'
import { reportFigure, median } from './report'

const COMMITS = 10_000
const PROMPT_VERSIONS = 1_000
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-bench-store-'))
let store: ObjectStore

const gitCli = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 })

function timeIt(runs: number, fn: () => void): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    fn()
    times.push(performance.now() - t)
  }
  return median(times)
}

async function timeAsync(runs: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn(i)
    times.push(performance.now() - t)
  }
  return median(times)
}

/** 10,000 commits: every 10th changes the benchmark prompt, the rest touch notes and a dataset. */
function writeHistory(): void {
  const parentHead = gitCli('rev-parse', 'HEAD').trim()
  const lines: string[] = []
  const data = (text: string) => {
    lines.push(`data ${Buffer.byteLength(text)}`, text)
  }
  for (let i = 1; i <= COMMITS; i++) {
    lines.push('commit refs/heads/main', `committer Bench <bench@example.com> ${1_700_000_000 + i} +0000`)
    data(`commit ${i}`)
    if (i === 1) lines.push(`from ${parentHead}`)
    if (i % (COMMITS / PROMPT_VERSIONS) === 0) {
      lines.push('M 100644 inline prompts/bench.prompt')
      data(`---\nmodel: openai/gpt-4o-mini\n---\nVersion ${i / (COMMITS / PROMPT_VERSIONS)}: summarise {{ticket}}\n`)
    } else {
      lines.push(`M 100644 inline notes/note-${i % 500}.md`)
      data(`note ${i}\n`)
    }
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: lines.join('\n') + '\n', maxBuffer: 1 << 28 })
  gitCli('reset', '--hard', '--quiet', 'main')
}

afterAll(() => {
  store?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

test('object store on 10,000 commits', async () => {
  await initProject(dir, 'bench')
  let t = performance.now()
  writeHistory()
  const generated = performance.now() - t

  t = performance.now()
  store = await openObjectStore({ dir, canonicalize, author: { name: 'Bench', email: 'bench@example.com' } })
  const indexBuild = performance.now() - t
  expect((await store.versions('prompt', 'bench')).length).toBe(PROMPT_VERSIONS)
  await setLabel(store, parseRef('prompt:bench@v500'), 'production')

  const save = await timeAsync(30, (i) =>
    saveObject(store, canonicalize, { kind: 'prompt', name: 'bench', content: `---\nmodel: openai/gpt-4o-mini\n---\nBench save ${i}: {{ticket}}\n` }),
  )
  const list = await timeAsync(50, () => store.versions('prompt', 'bench'))
  const refs = ['prompt:bench@v500', 'prompt:bench@production', 'prompt:bench@latest', 'prompt:bench@main']
  const resolve = await timeAsync(100, (i) => store.resolve(refs[i % refs.length]!))

  const cliSave = timeIt(10, () => {
    fs.writeFileSync(path.join(dir, 'prompts/cli.prompt'), `cli ${Math.random()}\n`)
    gitCli('add', 'prompts/cli.prompt')
    gitCli('commit', '-q', '-m', 'cli save')
  })
  const cliList = timeIt(5, () => gitCli('log', '--format=%H', '--', 'prompts/bench.prompt'))
  const cliResolve = timeIt(20, () => gitCli('rev-parse', 'HEAD:prompts/bench.prompt'))

  reportFigure('store: history generated (git fast-import)', generated, { unit: 'ms' })
  reportFigure('store: version index built from 10,000 commits (once)', indexBuild, { unit: 'ms' })
  reportFigure('store: save a prompt version (median of 30)', save, { target: 20, unit: 'ms', cli: cliSave, cliLabel: 'git add + commit' })
  reportFigure('store: list 1,000 versions of a prompt (median of 50)', list, { target: 10, unit: 'ms', cli: cliList, cliLabel: 'git log -- path' })
  reportFigure('store: resolve a ref (median of 100)', resolve, { target: 5, unit: 'ms', cli: cliResolve, cliLabel: 'git rev-parse HEAD:path' })
}, 600_000)
