import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runWeft } from './cliTesting'

let root: string
let out: string
let err: string
let stdinText = ''

async function weft(...argv: string[]): Promise<number> {
  let code: number
  ;({ code, out, err } = await runWeft(argv, { cwd: root, stdin: stdinText }))
  return code
}

const p = ['--project', 'proj']

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cli-store-'))
  expect(await weft('init', 'proj')).toBe(0)
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

describe('weft store commands', () => {
  it('save, versions, get, resolve, label and render a prompt', async () => {
    fs.writeFileSync(path.join(root, 'greet.prompt'), '---\ninput:\n  schema:\n    name: string\n---\nHello {{name}}!\n')
    expect(await weft('save', 'prompt:greet', 'greet.prompt', '-m', 'First', ...p)).toBe(0)
    expect(out).toMatch(/^Saved prompt:greet v1 \([0-9a-f]{7}\)/)
    stdinText = '---\ninput:\n  schema:\n    name: string\n---\nHi {{name}}!\n'
    expect(await weft('save', 'prompt:greet', '-', ...p)).toBe(0)
    expect(out).toContain('v2')

    expect(await weft('versions', 'prompt:greet', ...p)).toBe(0)
    expect(out.split('\n')[0]).toMatch(/^\* v2 /)
    expect(out).toContain('First')
    expect(await weft('versions', 'prompt:greet', '--json', ...p)).toBe(0)
    expect(JSON.parse(out).versions.map((v: { n: number }) => v.n)).toEqual([2, 1])

    expect(await weft('get', 'prompt:greet@v1', ...p)).toBe(0)
    expect(out).toContain('Hello {{name}}!')
    expect(await weft('label', 'prompt:greet@v1', 'production', ...p)).toBe(0)
    expect(out).toBe('prompt:greet@production → v1\n')
    expect(await weft('resolve', 'prompt:greet@production', '--json', ...p)).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ n: 1, via: 'label' })
    expect(await weft('labels', 'prompt:greet', ...p)).toBe(0)
    expect(out).toMatch(/production\s+— → v1\s+by /)

    expect(await weft('render', 'prompt:greet@production', '--var', 'name=Ada', '--var', 'extra=1', ...p)).toBe(0)
    expect(out).toContain('Hello Ada!')
    expect(out).toContain('unexpected variables: extra')
    expect(await weft('list', ...p)).toBe(0)
    expect(out).toMatch(/prompt:greet\s+v2\s+production=v1/)
  })

  it('restore, rename and delete keep history', async () => {
    fs.writeFileSync(path.join(root, 'a.prompt'), 'one\n')
    fs.writeFileSync(path.join(root, 'b.prompt'), 'two\n')
    await weft('save', 'prompt:x', 'a.prompt', ...p)
    await weft('save', 'prompt:x', 'b.prompt', ...p)
    expect(await weft('restore', 'prompt:x@v1', ...p)).toBe(0)
    expect(fs.readFileSync(path.join(root, 'proj/prompts/x.prompt'), 'utf8')).toBe('one\n')
    expect(await weft('rename', 'prompt:x', 'y', ...p)).toBe(0)
    expect(await weft('delete', 'prompt:y', ...p)).toBe(0)
    expect(await weft('get', 'prompt:y@v2', ...p)).toBe(0)
    expect(out).toBe('two\n')
    expect(await weft('list', 'prompt', ...p)).toBe(0)
    expect(out).toBe('(no objects)\n')
  })

  it('says clearly what is wrong, with exit code 1', async () => {
    expect(await weft('save', 'prompt:x', 'missing.prompt', ...p)).toBe(1)
    expect(err).toContain('Cannot read missing.prompt')
    expect(await weft('save', 'x', 'missing.prompt', ...p)).toBe(1)
    expect(err).toContain('Expected KIND:NAME')
    fs.writeFileSync(path.join(root, 'leaky.yaml'), 'provider: openai\nmodel: gpt-4o\napi_key: sk-abcdefghijklmnopqrstuvwxyz012345\n')
    expect(await weft('save', 'model:leaky', 'leaky.yaml', ...p)).toBe(1)
    expect(err).toMatch(/models\/leaky\.yaml:3: api_key: .*keychain/)
    expect(err).not.toContain('abcdefghijkl')
    expect(await weft('get', 'prompt:nope', ...p)).toBe(1)
    expect(err).toContain('no prompt named "nope"')
    fs.mkdirSync(path.join(root, 'plain'))
    expect(await weft('list', '--project', 'plain')).toBe(1)
    expect(err).toContain('weft init')
  })
})
