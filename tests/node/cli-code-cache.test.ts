/**
 * bin/weft.js runs the CLI script (out/main/cli.cjs) with V8's code cache:
 * written after a kind of command first runs, reused after, and harmless when
 * it is damaged. Needs the build (npm test builds first).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '..', '..')
const BIN = path.join(ROOT, 'bin', 'weft.js')
let dir = ''
let cache = ''

async function weft(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, WEFT_HOME: path.join(dir, 'home'), WEFT_CODE_CACHE: cache } })
  return stdout
}

const files = () => fs.readdirSync(cache).filter((f) => !f.endsWith('.tmp')).sort()
const covered = () => JSON.parse(fs.readFileSync(path.join(cache, files().find((f) => f.endsWith('.json'))!), 'utf8')).commands as string[]
const blob = () => path.join(cache, files().find((f) => f.endsWith('.bin'))!)

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.cjs'))) throw new Error('out/main/cli.cjs is missing: run `npm run build` (npm test does) first')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-code-cache-'))
  cache = path.join(dir, 'cache')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('the CLI code cache', () => {
  it('is written by the first command, grows with each new kind of command, and is reused', async () => {
    expect(await weft('--version')).toMatch(/^\d+\.\d+\.\d+/)
    expect(files()).toHaveLength(2) // the compiled code and the commands it covers
    expect(covered()).toEqual([''])
    const small = fs.statSync(blob()).size

    await weft('init', 'proj')
    expect(covered()).toEqual(['', 'init'])
    expect(fs.statSync(blob()).size).toBeGreaterThan(small)

    // A command it covers uses the cache and leaves it as it was.
    const before = fs.statSync(blob()).mtimeMs
    await weft('init', 'other')
    expect(fs.statSync(blob()).mtimeMs).toBe(before)
    expect(fs.existsSync(path.join(dir, 'other', 'weft.yaml'))).toBe(true)
  })

  it('runs commands as before when the cache is damaged, and writes a good one', async () => {
    const file = blob()
    fs.writeFileSync(file, Buffer.alloc(4096, 7))
    const out = await weft('init', 'third')
    expect(out).toContain('third')
    expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false)
  })

  it('is not written when turned off', async () => {
    const off = path.join(dir, 'off')
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, '--version'], { cwd: dir, env: { ...process.env, WEFT_CODE_CACHE: 'off', XDG_CACHE_HOME: off, HOME: off } })
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/)
    expect(fs.existsSync(off)).toBe(false)
  })
})
