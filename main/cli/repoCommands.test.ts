/**
 * Sharing a project the way a team would, through the CLI: push to a real
 * git HTTP server on 127.0.0.1 (git http-backend, token required), clone,
 * pull a fast-forward, and a pull that stops on a conflict without losing
 * anything. Plus diff, import and export.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGitServer, type GitServer } from '../../tests/node/gitServer'
import { runWeft } from './cliTesting'

let root: string
let server: GitServer
let out = ''
let err = ''
const TOKEN = 'cli-test-token-123'
/** Whose machine the next command runs on: each person has their own user data (and stored tokens). */
let home = 'alice-home'

async function weft(...argv: string[]): Promise<number> {
  let code: number
  ;({ code, out, err } = await runWeft(argv, { cwd: root, home }))
  return code
}
const as = (person: string) => (home = `${person}-home`)

const promptText = (line: string) => `---\nmodel: openai/gpt-4o-mini\n---\n${line}\n`

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cli-sync-'))
  // HEAD of a fresh bare repository points at an unborn 'master' while 'main' is pushed: clone and pull must cope.
  execFileSync('git', ['init', '--bare', '--quiet', '--initial-branch=master', path.join(root, 'shared.git')])
  server = await startGitServer({ repos: { 'shared.git': path.join(root, 'shared.git') }, token: TOKEN })
})

afterAll(async () => {
  await server?.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('sharing through a git remote', () => {
  it('pushes, clones, pulls, and stops a conflicting pull without losing anything', async () => {
    const url = `${server.url}/shared.git`
    expect(await weft('init', 'alice')).toBe(0)
    fs.writeFileSync(path.join(root, 'p1.prompt'), promptText('Summarise {{ticket}}'))
    expect(await weft('save', 'prompt:summarize', 'p1.prompt', '--project', 'alice')).toBe(0)
    expect(await weft('remote', 'add', 'origin', url, '--token', TOKEN, '--project', 'alice')).toBe(0)
    expect(fs.readFileSync(path.join(root, 'alice/.git/config'), 'utf8')).not.toContain(TOKEN)
    expect(await weft('push', '--project', 'alice')).toBe(0)
    expect(out).toMatch(/^pushed [0-9a-f]{7}/)

    as('bob')
    expect(await weft('clone', url, 'bob')).toBe(1) // bob has no token yet: refused, and no half-made folder left
    expect(err).toMatch(/token|auth|401/i)
    expect(fs.existsSync(path.join(root, 'bob'))).toBe(false)
    expect(await weft('clone', url, 'bob', '--token', TOKEN), err).toBe(0)
    expect(await weft('versions', 'prompt:summarize', '--project', 'bob')).toBe(0)
    expect(out).toContain('v1')

    fs.writeFileSync(path.join(root, 'p2.prompt'), promptText('Summarise {{ticket}} in one line'))
    expect(await weft('save', 'prompt:summarize', 'p2.prompt', '--project', 'bob')).toBe(0)
    expect(await weft('push', '--project', 'bob')).toBe(0)
    as('alice')
    expect(await weft('pull', '--project', 'alice')).toBe(0)
    expect(out).toMatch(/^fast-forward/)
    expect(await weft('get', 'prompt:summarize', '--project', 'alice')).toBe(0)
    expect(out).toContain('in one line')

    // Both change the same prompt: Bob pushes first, Alice's pull stops.
    as('bob')
    fs.writeFileSync(path.join(root, 'p3.prompt'), promptText('Bob: two sentences'))
    await weft('save', 'prompt:summarize', 'p3.prompt', '--project', 'bob')
    expect(await weft('push', '--project', 'bob')).toBe(0)
    as('alice')
    fs.writeFileSync(path.join(root, 'p4.prompt'), promptText('Alice: bullet points'))
    await weft('save', 'prompt:summarize', 'p4.prompt', '--project', 'alice')
    expect(await weft('push', '--project', 'alice')).toBe(1)
    expect(err).toMatch(/pull/i)
    expect(await weft('pull', '--project', 'alice')).toBe(1)
    expect(out).toContain('prompts/summarize.prompt (both-modified)')
    expect(out).toContain('Nothing in your project changed')
    expect(fs.readFileSync(path.join(root, 'alice/prompts/summarize.prompt'), 'utf8')).toContain('Alice: bullet points')
    expect(server.requests.every((r) => !r.url.includes(TOKEN))).toBe(true)
  })
})

describe('diff, import and export', () => {
  it('imports a CSV, diffs two versions row by row, and exports', async () => {
    expect(await weft('init', 'data')).toBe(0)
    fs.writeFileSync(path.join(root, 'v1.csv'), 'id,question,answer\n1,2+2,4\n2,Capital of France,Paris\n3,Largest ocean,Pacific\n')
    fs.writeFileSync(path.join(root, 'v2.csv'), 'id,question,answer\n1,2+2,4\n2,Capital of France,Lyon\n4,Smallest prime,2\n')
    expect(await weft('import', 'dataset', 'qa', 'v1.csv', '--preview', '--project', 'data')).toBe(0)
    expect(out).toContain('csv: columns id, question, answer')
    expect(await weft('import', 'dataset', 'qa', 'v1.csv', '--project', 'data')).toBe(0)
    expect(out).toBe('Imported 3 rows as dataset:qa v1\n')
    expect(await weft('import', 'dataset', 'qa', 'v2.csv', '--project', 'data')).toBe(0)
    expect(await weft('diff', 'dataset:qa@v1', 'dataset:qa@v2', '--project', 'data')).toBe(0)
    expect(out).toContain('1 added, 1 removed, 1 changed, 1 unchanged')
    expect(out).toContain('~ 2: answer')
    expect(await weft('export', 'dataset:qa@v1', 'back.jsonl', '--project', 'data')).toBe(0)
    expect(fs.readFileSync(path.join(root, 'back.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3)

    fs.writeFileSync(path.join(root, 'bad.csv'), 'id,q\n1,"unclosed\n')
    expect(await weft('import', 'dataset', 'qa', 'bad.csv', '--project', 'data')).toBe(1)
    expect(err).toMatch(/bad\.csv:2/)
    expect(await weft('versions', 'dataset:qa', '--json', '--project', 'data')).toBe(0)
    expect(JSON.parse(out).versions).toHaveLength(2)
  })

  it('diffs a prompt against the working copy and lists branches', async () => {
    expect(await weft('init', 'wd')).toBe(0)
    fs.writeFileSync(path.join(root, 'a.prompt'), promptText('Hello'))
    await weft('save', 'prompt:p', 'a.prompt', '--project', 'wd')
    expect(await weft('branch', 'create', 'experiment', '--project', 'wd')).toBe(0)
    fs.writeFileSync(path.join(root, 'b.prompt'), promptText('Hello, v2'))
    await weft('save', 'prompt:p', 'b.prompt', '--project', 'wd')
    fs.writeFileSync(path.join(root, 'wd/prompts/p.prompt'), promptText('Hello there'))
    expect(await weft('diff', 'prompt:p', '--project', 'wd')).toBe(0)
    expect(out).toContain('-Hello, v2')
    expect(out).toContain('+Hello there')
    expect(await weft('branch', '--project', 'wd')).toBe(0)
    expect(out).toMatch(/\* main/)
    expect(out).toContain('experiment')
    // experiment has another version of p, and the edit on disk is unsaved: switching would lose it.
    expect(await weft('branch', 'switch', 'experiment', '--project', 'wd')).toBe(1)
    expect(err).toContain('prompts/p.prompt')
    expect(fs.readFileSync(path.join(root, 'wd/prompts/p.prompt'), 'utf8')).toContain('Hello there')
  })
})
