/**
 * bin/weft.js runs the CLI scripts (out/main/cli.cjs and its chunks) with
 * V8's code cache: written after a kind of command first runs, reused after,
 * and harmless when it is damaged. Needs the build (npm test builds first).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAI, streamChunks, type FakeOpenAI } from './fakeOpenAI'

const ROOT = path.resolve(__dirname, '..', '..')
const BIN = path.join(ROOT, 'bin', 'weft.js')
let dir = ''
let cache = ''

async function weft(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, WEFT_HOME: path.join(dir, 'home'), WEFT_CODE_CACHE: cache, FAKE_KEY: 'k' } })
  return stdout
}

/** The one build's cache folder. */
function build(): string {
  const builds = fs.readdirSync(cache)
  expect(builds).toHaveLength(1)
  return path.join(cache, builds[0]!)
}
const covered = () => JSON.parse(fs.readFileSync(path.join(build(), 'commands.json'), 'utf8')).commands as string[]
const blobs = () => Object.fromEntries(fs.readdirSync(build()).filter((f) => f.endsWith('.bin')).map((f) => [f, { size: fs.statSync(path.join(build(), f)).size, mtimeMs: fs.statSync(path.join(build(), f)).mtimeMs }]))

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.cjs'))) throw new Error('out/main/cli.cjs is missing: run `npm run build` (npm test does) first')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-code-cache-'))
  cache = path.join(dir, 'cache')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('the CLI code cache', () => {
  it('is written by the first command, grows with each new kind of command, and is reused', async () => {
    expect(await weft('--version')).toMatch(/^\d+\.\d+\.\d+/)
    expect(covered()).toEqual([''])
    const first = blobs()
    expect(Object.keys(first)).toContain('cli.cjs.bin')

    await weft('init', 'proj')
    expect(covered()).toEqual(['', 'init'])
    const second = blobs()
    // The project commands load chunks --version never needed, and the entry script compiled more of itself.
    expect(Object.keys(second).length).toBeGreaterThan(Object.keys(first).length)
    expect(second['cli.cjs.bin']!.size).toBeGreaterThan(first['cli.cjs.bin']!.size)

    // A command it covers uses the cache and leaves it as it was.
    await weft('init', 'other')
    expect(blobs()).toEqual(second)
    expect(fs.existsSync(path.join(dir, 'other', 'weft.yaml'))).toBe(true)
  })

  it('runs commands as before when the cache is damaged, and writes a good one', async () => {
    const files = Object.keys(blobs()).map((f) => path.join(build(), f))
    for (const file of files) fs.writeFileSync(file, Buffer.alloc(4096, 7))
    expect(await weft('init', 'third')).toContain('third')
    for (const file of files.filter((f) => f.includes('cli.cjs') || f.includes('workbench'))) expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false)
  })

  it('runs code that loads a model SDK lazily, from the cache as well as compiled', async () => {
    const fake: FakeOpenAI = await startFakeOpenAI()
    try {
      fs.writeFileSync(path.join(dir, 'p.prompt'), 'Say {{word}}.\n')
      fs.writeFileSync(path.join(dir, 'm.yaml'), `provider: openai-compatible\nmodel: fake\nbase_url: ${fake.baseUrl}\napi_key_env: FAKE_KEY\n`)
      await weft('save', 'prompt:p', 'p.prompt', '--project', 'proj')
      await weft('save', 'model:m', 'm.yaml', '--project', 'proj')
      // The first run compiles `weft run` (streaming loads the openai SDK on demand), the second runs it from the cache.
      for (const word of ['one', 'two']) {
        fake.enqueue({ kind: 'sse', chunks: streamChunks({ pieces: [word] }) })
        expect(await weft('run', 'prompt:p', '--model', 'model:m', '--var', `word=${word}`, '--stream', '--no-cache', '--project', 'proj')).toContain(word)
      }
      expect(covered()).toContain('run')
    } finally {
      await fake.close()
    }
  })

  it('is not written when turned off', async () => {
    const off = path.join(dir, 'off')
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, '--version'], { cwd: dir, env: { ...process.env, WEFT_CODE_CACHE: 'off', XDG_CACHE_HOME: off, HOME: off } })
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/)
    expect(fs.existsSync(off)).toBe(false)
  })
})
