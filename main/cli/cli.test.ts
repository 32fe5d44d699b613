import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runWeft } from './cliTesting'

let root: string
let out: string
let err: string

async function weft(...argv: string[]): Promise<number> {
  let code: number
  ;({ code, out, err } = await runWeft(argv, { cwd: root }))
  return code
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cli-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

describe('weft CLI', () => {
  it('lists its commands in --help', async () => {
    expect(await weft('--help')).toBe(0)
    for (const command of ['init', 'serve', 'status', 'call']) expect(out).toContain(command)
  })

  it('init creates a project that status then describes, as text and JSON', async () => {
    expect(await weft('init', 'proj', '--name', 'Demo')).toBe(0)
    expect(out).toContain('Initialised Weft project "Demo"')
    expect(await weft('status', '--project', 'proj')).toBe(0)
    expect(out).toMatch(/Demo .*\n\s+branch main at [0-9a-f]{7}/)
    expect(await weft('status', '--project', 'proj', '--json')).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ project: { name: 'Demo', status: 'ready', branch: 'main' }, objects: [] })
  })

  it('status on a plain folder says how to initialise it', async () => {
    fs.mkdirSync(path.join(root, 'plain'))
    expect(await weft('status', '--project', 'plain')).toBe(0)
    expect(out).toContain('not a Weft project yet')
    expect(out).toContain('weft init')
  })

  it('init twice fails with a clear message and exit code 1', async () => {
    await weft('init', 'proj')
    expect(await weft('init', 'proj')).toBe(1)
    expect(err).toMatch(/^weft: .*is a Weft project already/)
  })

  it('call runs any operation with validation, and lists operations without arguments', async () => {
    expect(await weft('call')).toBe(0)
    expect(out).toContain('project.open')
    expect(await weft('call', 'app.info')).toBe(0)
    expect(JSON.parse(out)).toMatchObject({ name: 'Weft', host: 'cli' })
    expect(await weft('call', 'project.open', '{"dir": 3}')).toBe(1)
    expect(err).toContain('Invalid request to project.open: dir:')
    expect(await weft('call', 'project.open', '{oops')).toBe(1)
    expect(err).toContain('not valid JSON')
    expect(await weft('call', 'project.nuke')).toBe(1)
    expect(err).toContain('Unknown operation')
  })

  it('refuses a bad --port before doing anything', async () => {
    expect(await weft('serve', '--port', '99999')).toBe(2)
    expect(err).toContain('0 to 65535')
  })
})
