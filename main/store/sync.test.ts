import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startGitServer, type GitServer } from '../../tests/node/gitServer'
import { getToken } from './credentials'
import {
  PULL_THEIRS_REF,
  addRemote,
  cloneRepository,
  fetchRemote,
  listRemotes,
  mergeLines,
  pull,
  push,
  removeRemote,
  unionLabelLines,
} from './sync'
import { caught } from '../../common/testing'

const TOKEN = 'tok-3f9a2c'
const author = { name: 'Test', email: 'test@example.com' }
let root: string
let server: GitServer
const repos: Record<string, string> = {}
let clock = 1_700_000_000
const now = () => new Date(clock++ * 1000)

let userDataDir: string
let url: string
let remoteDir: string
let a: string
let b: string

async function commit(dir: string, files: Record<string, string>, message = 'save'): Promise<string> {
  for (const [filepath, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, filepath)), { recursive: true })
    fs.writeFileSync(path.join(dir, filepath), content)
    await git.add({ fs, dir, filepath })
  }
  const signature = { ...author, timestamp: clock++, timezoneOffset: 0 }
  return git.commit({ fs, dir, message, author: signature, committer: signature })
}
const read = (dir: string, filepath: string) => fs.readFileSync(path.join(dir, filepath), 'utf8')
const head = (dir: string) => git.resolveRef({ fs, dir, ref: 'HEAD' })


beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-sync-'))
  server = await startGitServer({ repos, token: TOKEN })
})
afterAll(async () => {
  await server.close()
  fs.rmSync(root, { recursive: true, force: true })
})

describe('sync with a remote over smart HTTP', () => {
  /** A fresh bare remote, project A (pushed, with the token in its URL) and B cloned from it. */
  beforeEach(async () => {
    const name = `r${Object.keys(repos).length}`
    const base = path.join(root, name)
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', path.join(base, 'remote.git')])
    remoteDir = path.join(base, 'remote.git')
    repos[`${name}.git`] = remoteDir
    url = `${server.url}/${name}.git`
    userDataDir = path.join(base, 'user')
    a = path.join(base, 'a')
    b = path.join(base, 'b')
    await git.init({ fs, dir: a, defaultBranch: 'main' })
    await commit(a, { 'weft.yaml': 'name: shared\n', 'prompts/a.prompt': 'line 1\nline 2\nline 3\n', 'prompts/b.prompt': 'B\n' })
    await addRemote({ dir: a, name: 'origin', url: url.replace('http://', `http://weft:${TOKEN}@`), userDataDir })
    await push({ dir: a, userDataDir })
    await cloneRepository({ dir: b, url, userDataDir })
  })

  it('keeps the token out of .git/config and URLs, and uses it for every request', async () => {
    expect(await getToken({ userDataDir, url })).toBe(TOKEN)
    for (const dir of [a, b]) {
      const files = fs.readdirSync(path.join(dir, '.git'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      expect(files.filter((e) => fs.readFileSync(path.join(e.parentPath, e.name)).includes(TOKEN)).map((e) => e.name)).toEqual([])
    }
    expect(await listRemotes({ dir: a, userDataDir })).toEqual([{ name: 'origin', url, hasToken: true }])
    expect(server.requests.every((r) => !r.url.includes(TOKEN))).toBe(true)
    expect(server.requests.filter((r) => r.status === 200).every((r) => r.auth === 'basic')).toBe(true)
    expect(read(b, 'prompts/a.prompt')).toBe('line 1\nline 2\nline 3\n')
    expect((await git.listBranches({ fs, dir: a, remote: 'origin' })).includes('main')).toBe(true)
  })

  it('fast-forwards a pull, updating the work tree', async () => {
    const pushed = await commit(a, { 'prompts/b.prompt': 'B2\n', 'models/fast.yaml': 'model: x\n' })
    await push({ dir: a, userDataDir })
    const before = await head(b)
    expect(await pull({ dir: b, userDataDir, author, now })).toEqual({ status: 'fast-forward', head: pushed, previous: before })
    expect(read(b, 'prompts/b.prompt')).toBe('B2\n')
    expect(read(b, 'models/fast.yaml')).toBe('model: x\n')
    expect(await git.statusMatrix({ fs, dir: b, filter: (f) => !f.startsWith('.git') })).toSatisfy((rows: number[][]) =>
      rows.every(([, h, w, s]) => h === 1 && w === 1 && s === 1),
    )
    expect(await pull({ dir: b, userDataDir, author, now })).toEqual({ status: 'up-to-date', head: pushed })
    expect(await git.resolveRef({ fs, dir: b, ref: PULL_THEIRS_REF }).catch(() => null)).toBeNull()
  })

  it('merges diverged histories that changed different files, then pushes the merge', async () => {
    const theirs = await commit(a, { 'prompts/a.prompt': 'line 1\nline 2\nline 3\nfrom a\n' })
    await push({ dir: a, userDataDir })
    const ours = await commit(b, { 'prompts/b.prompt': 'B from b\n' })
    const result = await pull({ dir: b, userDataDir, author, now })
    expect(result).toMatchObject({ status: 'merged', previous: ours, theirs })
    const merge = await git.readCommit({ fs, dir: b, oid: await head(b) })
    expect(merge.commit.parent).toEqual([ours, theirs])
    expect(merge.commit.message).toBe('Merge origin/main into main\n')
    expect(read(b, 'prompts/a.prompt')).toContain('from a')
    expect(read(b, 'prompts/b.prompt')).toBe('B from b\n')
    expect(await push({ dir: b, userDataDir })).toMatchObject({ status: 'pushed' })
    expect(await pull({ dir: a, userDataDir, author, now })).toMatchObject({ status: 'fast-forward' })
    expect(read(a, 'prompts/b.prompt')).toBe('B from b\n')
    execFileSync('git', ['fsck', '--full', '--no-dangling'], { cwd: remoteDir })
  })

  it('merges edits to different lines of the same file', async () => {
    await commit(a, { 'prompts/a.prompt': 'line 1 (a)\nline 2\nline 3\n' })
    await push({ dir: a, userDataDir })
    await commit(b, { 'prompts/a.prompt': 'line 1\nline 2\nline 3 (b)\n' })
    expect((await pull({ dir: b, userDataDir, author, now })).status).toBe('merged')
    expect(read(b, 'prompts/a.prompt')).toBe('line 1 (a)\nline 2\nline 3 (b)\n')
  })

  it('reports a conflicting pull without changing anything, keeping both sides', async () => {
    const theirs = await commit(a, { 'prompts/a.prompt': 'line 1\nline 2 from a\nline 3\n' })
    await push({ dir: a, userDataDir })
    const ours = await commit(b, { 'prompts/a.prompt': 'line 1\nline 2 from b\nline 3\n' })
    fs.writeFileSync(path.join(b, 'prompts/b.prompt'), 'unsaved edit elsewhere\n')
    const result = await pull({ dir: b, userDataDir, author, now })
    expect(result.status).toBe('conflict')
    if (result.status !== 'conflict') return
    expect(result.head).toBe(ours)
    expect(result.theirs).toBe(theirs)
    const [file] = result.files
    expect(result.files).toHaveLength(1)
    expect(file).toMatchObject({ path: 'prompts/a.prompt', kind: 'both-modified' })
    const text = async (oid: string | null) => Buffer.from((await git.readBlob({ fs, dir: b, oid: oid! })).blob).toString('utf8')
    expect(await text(file!.ours)).toBe('line 1\nline 2 from b\nline 3\n')
    expect(await text(file!.theirs)).toBe('line 1\nline 2 from a\nline 3\n')
    expect(await text(file!.base)).toBe('line 1\nline 2\nline 3\n')
    // Nothing lost, nothing half-merged: HEAD, work tree and index as before; theirs kept for the UI.
    expect(await head(b)).toBe(ours)
    expect(read(b, 'prompts/a.prompt')).toBe('line 1\nline 2 from b\nline 3\n')
    expect(read(b, 'prompts/b.prompt')).toBe('unsaved edit elsewhere\n')
    expect(await git.resolveRef({ fs, dir: b, ref: PULL_THEIRS_REF })).toBe(theirs)
    expect(await git.statusMatrix({ fs, dir: b, filepaths: ['prompts'] })).toEqual([
      ['prompts/a.prompt', 1, 1, 1],
      ['prompts/b.prompt', 1, 2, 1],
    ])
    // The repository stays usable: saving works, and pushing asks to pull first.
    await commit(b, { 'prompts/b.prompt': 'saved\n' })
    const error = await caught(push({ dir: b, userDataDir }))
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toMatch(/pull first/)
  })

  it('merges labels.jsonl as the union of its lines, ordered by time', async () => {
    const event = (at: string, label: string) => JSON.stringify({ at, object: 'prompt:a', label })
    const base = `${event('2026-01-01T00:00:00Z', 'production')}\n`
    await commit(a, { 'labels.jsonl': base, 'datasets/labels.jsonl': '{"id":1}\n' })
    await push({ dir: a, userDataDir })
    await pull({ dir: b, userDataDir, author, now })
    await commit(a, { 'labels.jsonl': `${base}${event('2026-01-03T00:00:00Z', 'staging')}\n` })
    await push({ dir: a, userDataDir })
    await commit(b, { 'labels.jsonl': `${base}${event('2026-01-02T00:00:00Z', 'canary')}\n${event('2026-01-04T00:00:00Z', 'prod')}\n` })
    expect((await pull({ dir: b, userDataDir, author, now })).status).toBe('merged')
    expect(read(b, 'labels.jsonl').trim().split('\n').map((l) => JSON.parse(l).label)).toEqual(['production', 'canary', 'staging', 'prod'])
  })

  it('does not union a dataset that happens to be called labels.jsonl', async () => {
    await commit(a, { 'datasets/labels.jsonl': '{"id":1,"v":"base"}\n' })
    await push({ dir: a, userDataDir })
    await pull({ dir: b, userDataDir, author, now })
    await commit(a, { 'datasets/labels.jsonl': '{"id":1,"v":"a"}\n' })
    await push({ dir: a, userDataDir })
    await commit(b, { 'datasets/labels.jsonl': '{"id":1,"v":"b"}\n' })
    const result = await pull({ dir: b, userDataDir, author, now })
    expect(result.status).toBe('conflict')
  })

  it('reports a file deleted on one side and edited on the other as a conflict', async () => {
    fs.rmSync(path.join(a, 'prompts/b.prompt'))
    await git.remove({ fs, dir: a, filepath: 'prompts/b.prompt' })
    await commit(a, { 'weft.yaml': 'name: shared\n' })
    await push({ dir: a, userDataDir })
    const ours = await commit(b, { 'prompts/b.prompt': 'edited in b\n' })
    const result = await pull({ dir: b, userDataDir, author, now })
    expect(result).toMatchObject({ status: 'conflict', head: ours, files: [{ path: 'prompts/b.prompt', kind: 'deleted-by-them', theirs: null }] })
    expect(read(b, 'prompts/b.prompt')).toBe('edited in b\n')
  })

  it('pulls into a repository with no commits yet, and refuses unrelated histories unless asked', async () => {
    const empty = path.join(root, `empty-${Date.now()}`)
    await git.init({ fs, dir: empty, defaultBranch: 'main' })
    await addRemote({ dir: empty, name: 'origin', url, userDataDir })
    expect(await pull({ dir: empty, userDataDir, author, now })).toMatchObject({ status: 'fast-forward', head: await head(a), previous: null })
    expect(read(empty, 'prompts/b.prompt')).toBe('B\n')

    const other = path.join(root, `other-${Date.now()}`)
    await git.init({ fs, dir: other, defaultBranch: 'main' })
    await commit(other, { 'README.md': 'separate start\n' })
    await addRemote({ dir: other, name: 'origin', url, userDataDir })
    const error = await caught(pull({ dir: other, userDataDir, author, now }))
    expect(error.message).toBe('origin/main shares no history with main; pull with allowUnrelatedHistories if it really is the same project')
    expect(await pull({ dir: other, userDataDir, author, now, allowUnrelatedHistories: true })).toMatchObject({ status: 'merged' })
    expect(read(other, 'README.md')).toBe('separate start\n')
    expect(read(other, 'weft.yaml')).toBe('name: shared\n')
  })

  it('refuses a pull that would overwrite an uncommitted edit', async () => {
    await commit(a, { 'prompts/b.prompt': 'B2\n' })
    await push({ dir: a, userDataDir })
    fs.writeFileSync(path.join(b, 'prompts/b.prompt'), 'my unsaved edit\n')
    const error = await caught(pull({ dir: b, userDataDir, author, now }))
    expect(error.code).toBe('CONFLICT')
    expect(error.issues?.map((i) => i.file)).toEqual(['prompts/b.prompt'])
    expect(read(b, 'prompts/b.prompt')).toBe('my unsaved edit\n')
  })

  it('says "pull first" when a push is not a fast-forward', async () => {
    await commit(a, { 'prompts/b.prompt': 'from a\n' })
    await push({ dir: a, userDataDir })
    await commit(b, { 'prompts/b.prompt': 'from b\n' })
    const error = await caught(push({ dir: b, userDataDir }))
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toBe('The remote "origin" has commits on main that this project does not have yet: pull first, then push')
  })

  it('says which remote refused the token, or that none is stored', async () => {
    const other = path.join(root, 'wrong-token')
    const wrongStore = path.join(root, `wrong-user-${Date.now()}`)
    const wrong = await caught(cloneRepository({ dir: other, url, token: 'not-the-token', userDataDir: wrongStore }))
    expect(wrong.code).toBe('UNAUTHORIZED')
    expect(wrong.message).toBe(`The remote "origin" (${url}) refused the stored token; set a new token for it`)
    expect(await getToken({ userDataDir: wrongStore, url })).toBeNull() // a refused token is not kept
    const none = await caught(fetchRemote({ dir: a, userDataDir: path.join(root, 'no-tokens') }))
    expect(none.message).toBe(`The remote "origin" (${url}) needs a token, and none is stored for it`)
  })

  it('names the URL, without credentials, when the remote cannot be reached', async () => {
    const closed = await startGitServer({ repos: {} })
    await closed.close()
    await addRemote({ dir: a, name: 'gone', url: `${closed.url.replace('http://', 'http://u:secret@')}/x.git`, userDataDir })
    const error = await caught(fetchRemote({ dir: a, remote: 'gone', userDataDir }))
    expect(error.message).toBe(`Cannot reach the remote "gone" (${closed.url}/x.git): ECONNREFUSED`)
    expect(error.message).not.toContain('secret')
    const missing = await caught(fetchRemote({ dir: a, remote: 'nope', userDataDir }))
    expect(missing.code).toBe('NOT_FOUND')
  })

  it('adds, lists and removes remotes with validated names', async () => {
    expect((await caught(addRemote({ dir: a, name: 'origin', url, userDataDir }))).code).toBe('ALREADY_EXISTS')
    expect((await caught(addRemote({ dir: a, name: 'a/b', url, userDataDir }))).code).toBe('INVALID_REQUEST')
    expect((await caught(addRemote({ dir: a, name: 'ssh', url: 'git@github.com:me/x.git', userDataDir }))).code).toBe('UNSUPPORTED')
    const store = path.join(root, `gh-${Date.now()}`)
    await addRemote({ dir: a, name: 'gh', url: 'https://ghp_abc123@github.example.com/me/x.git', userDataDir: store })
    expect(await getToken({ userDataDir: store, url: 'https://github.example.com/' })).toBe('ghp_abc123')
    expect(read(a, '.git/config')).not.toContain('ghp_abc123')
    await removeRemote({ dir: a, name: 'gh' })
    await removeRemote({ dir: a, name: 'origin' })
    expect(await listRemotes({ dir: a })).toEqual([])
    expect(await git.listBranches({ fs, dir: a, remote: 'origin' })).toEqual([])
  })
})

describe('merge helpers', () => {
  it('three-way merges lines', () => {
    const base = 'a\nb\nc\nd\n'
    expect(mergeLines(base, 'A\nb\nc\nd\n', 'a\nb\nc\nD\n')).toBe('A\nb\nc\nD\n')
    expect(mergeLines(base, 'a\nb\nc\nd\ne\n', 'a\nb\nc\nd\n')).toBe('a\nb\nc\nd\ne\n')
    expect(mergeLines(base, 'a\nX\nc\nd\n', 'a\nX\nc\nd\n')).toBe('a\nX\nc\nd\n')
    expect(mergeLines(base, 'a\nX\nc\nd\n', 'a\nY\nc\nd\n')).toBeNull()
    expect(mergeLines(base, 'a\nb\nX\nd\n', 'a\nY\nc\nd\n')).toBeNull() // touching changes conflict, as in git
    expect(mergeLines('', 'new\n', 'other\n')).toBeNull()
    expect(mergeLines('x\n', 'x\ny\n', 'z\nx\n')).toBe('z\nx\ny\n')
    expect(mergeLines('x', 'x\ny', 'x')).toBe('x\ny') // no final newline
  })

  it('unions label lines, deduplicated and stable by time', () => {
    const l = (at: string, n: number) => JSON.stringify({ at, n })
    const ours = [l('2026-01-01T00:00:00Z', 1), l('2026-01-03T00:00:00Z', 3)].join('\n')
    const theirs = [l('2026-01-01T00:00:00Z', 1), l('2026-01-02T00:00:00Z', 2), l('2026-01-02T00:00:00Z', 22)].join('\n') + '\n'
    expect(unionLabelLines(ours, theirs).split('\n').filter(Boolean).map((x) => JSON.parse(x).n)).toEqual([1, 2, 22, 3])
  })
})
