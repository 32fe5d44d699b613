import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseRef } from '../../common/refs'
import { WeftError } from '../../common/errors'
import { initProject } from '../project/project'
import { openObjectStore, type ObjectStore } from './store'
import { deleteObject, labelHistory, removeLabel, renameObject, restoreObject, saveObject, setLabel } from './writes'

// The store's mechanics under test; formats have their own tests, so text passes through with LF endings.
const canonicalize = (_kind: string, text: string) => ({ content: text.replace(/\r\n/g, '\n').replace(/\n*$/, '\n') })

let dir: string
let store: ObjectStore
let clock = 0
const now = () => new Date(Date.UTC(2026, 0, 1) + clock++ * 1000)

const save = (name: string, content: string, extra: { baseVersion?: string | null; message?: string } = {}) =>
  saveObject(store, canonicalize, { kind: 'prompt', name, content, ...extra })

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WeftError) return error.code
    throw error
  }
  throw new Error('expected a WeftError')
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-store-'))
  await initProject(dir, 'Store test', { now })
  store = await openObjectStore({ dir, canonicalize, now, author: { name: 'Ada', email: 'ada@example.com' } })
})

afterEach(() => {
  store.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('saving and versions', () => {
  it('numbers distinct contents, commits nothing for the same content, and marks the current one', async () => {
    const first = await save('greet', 'Hello {{name}}', { message: 'First draft' })
    expect(first).toMatchObject({ created: true, version: { n: 1, message: 'First draft', author: 'Ada', current: true } })
    expect(fs.readFileSync(path.join(dir, 'prompts/greet.prompt'), 'utf8')).toBe('Hello {{name}}\n')
    const again = await save('greet', 'Hello {{name}}\r\n')
    expect(again).toMatchObject({ created: false, commit: null, version: { n: 1 } })
    await save('greet', 'Hi {{name}}')
    const versions = await store.versions('prompt', 'greet')
    expect(versions.map((v) => [v.n, v.current])).toEqual([[2, true], [1, false]])
    expect(versions[1]!.digest).toBe(first.version.digest)
    expect(versions[0]!.message).toBe('Update prompt:greet')
  })

  it('resolves latest, vN, digest prefixes, labels and branches', async () => {
    const v1 = (await save('greet', 'one')).version
    const v2 = (await save('greet', 'two')).version
    expect((await store.resolve('prompt:greet')).digest).toBe(v2.digest)
    expect((await store.resolve('prompt:greet@v1')).digest).toBe(v1.digest)
    expect(await store.resolve(`prompt:greet@${v1.digest.slice(0, 7)}`)).toMatchObject({ digest: v1.digest, n: 1, via: 'digest' })
    await setLabel(store, parseRef('prompt:greet@v1'), 'production')
    expect(await store.resolve('prompt:greet@production')).toMatchObject({ digest: v1.digest, via: 'label' })
    await git.branch({ fs, dir, ref: 'experiment' })
    await save('greet', 'three')
    expect(await store.resolve('prompt:greet@experiment')).toMatchObject({ digest: v2.digest, via: 'branch' })
    expect((await store.read('prompt:greet@v2')).content).toBe('two\n')
    expect(await code(store.resolve('prompt:greet@v9'))).toBe('NOT_FOUND')
    expect(await code(store.resolve('prompt:missing'))).toBe('NOT_FOUND')
  })

  it('refuses a save based on an old version, and leaves everything as it was', async () => {
    const v1 = (await save('greet', 'one')).version
    await save('greet', 'two', { baseVersion: v1.digest })
    const headBefore = await git.resolveRef({ fs, dir, ref: 'HEAD' })
    const error = await save('greet', 'mine', { baseVersion: v1.digest }).catch((e: WeftError) => e)
    expect(error).toMatchObject({ code: 'CONFLICT' })
    expect((error as WeftError).message).toContain('v1 → v2')
    expect(await git.resolveRef({ fs, dir, ref: 'HEAD' })).toBe(headBefore)
    expect(fs.readFileSync(path.join(dir, 'prompts/greet.prompt'), 'utf8')).toBe('two\n')
    expect(await code(save('greet', 'again', { baseVersion: null }))).toBe('CONFLICT')
  })

  it('never saves over an edit made outside Weft', async () => {
    await save('greet', 'one')
    fs.writeFileSync(path.join(dir, 'prompts/greet.prompt'), 'edited in vim\n')
    expect((await store.list('prompt'))[0]).toMatchObject({ name: 'greet', modified: true, version: { n: 1 } })
    expect(await code(save('greet', 'from weft'))).toBe('CONFLICT')
    expect(fs.readFileSync(path.join(dir, 'prompts/greet.prompt'), 'utf8')).toBe('edited in vim\n')
    // Saving exactly what is on disk adopts the outside edit as a version.
    expect((await save('greet', 'edited in vim')).version.n).toBe(2)
  })

  it('lets only one of two racing saves through', async () => {
    const v1 = (await save('greet', 'one')).version
    const results = await Promise.allSettled([save('greet', 'A', { baseVersion: v1.digest }), save('greet', 'B', { baseVersion: v1.digest })])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect((await store.versions('prompt', 'greet')).length).toBe(2)
  })

  it('refuses names with path tricks before touching anything', async () => {
    for (const name of ['../escape', 'a/b', 'con', '.hidden']) expect(await code(save(name, 'x'))).toBe('INVALID_REQUEST')
    expect(fs.existsSync(path.join(dir, 'escape.prompt'))).toBe(false)
  })
})

describe('restore, rename, delete', () => {
  it('restores an old version as the current one without inventing a new version number', async () => {
    await save('greet', 'one')
    await save('greet', 'two')
    const restored = await restoreObject(store, parseRef('prompt:greet@v1'))
    expect(restored).toMatchObject({ created: true, version: { n: 1, current: true } })
    expect(fs.readFileSync(path.join(dir, 'prompts/greet.prompt'), 'utf8')).toBe('one\n')
    expect((await store.versions('prompt', 'greet')).length).toBe(2)
    expect(store.index.history('prompt', 'greet').map((h) => h.message.trim())).toEqual(['Restore prompt:greet v1', 'Update prompt:greet', 'Add prompt:greet'])
  })

  it('renames with history kept, and deletes with old versions still readable', async () => {
    await save('greet', 'one')
    await save('greet', 'two')
    await setLabel(store, parseRef('prompt:greet@v1'), 'production')
    await renameObject(store, 'prompt', 'greet', 'welcome')
    expect(fs.existsSync(path.join(dir, 'prompts/greet.prompt'))).toBe(false)
    expect(await store.resolve('prompt:welcome@production')).toMatchObject({ n: 1, via: 'label' })
    expect(await code(store.resolve('prompt:greet@production'))).toBe('NOT_FOUND')
    expect((await store.versions('prompt', 'welcome')).map((v) => v.n)).toEqual([2, 1])
    expect((await store.read('prompt:welcome@v1')).content).toBe('one\n')
    expect(await code(renameObject(store, 'prompt', 'missing', 'x'))).toBe('NOT_FOUND')

    await deleteObject(store, 'prompt', 'welcome')
    expect(await code(store.resolve('prompt:welcome'))).toBe('NOT_FOUND')
    expect((await store.read('prompt:welcome@v2')).content).toBe('two\n')
    expect(await store.list('prompt')).toEqual([])
  })
})

describe('labels', () => {
  it('sets, moves and removes labels with an audit trail that says who, when and from which version', async () => {
    await save('greet', 'one')
    await save('greet', 'two')
    await setLabel(store, parseRef('prompt:greet@v1'), 'production')
    const moved = await setLabel(store, parseRef('prompt:greet@v2'), 'production')
    expect(moved.previous).toBeTruthy()
    expect((await setLabel(store, parseRef('prompt:greet@v2'), 'production')).commit).toBeNull()
    await removeLabel(store, 'prompt', 'greet', 'production')
    const history = await labelHistory(store, 'prompt', 'greet')
    expect(history.map((e) => [e.label, e.fromN, e.toN, e.by])).toEqual([
      ['production', null, 1, 'Ada <ada@example.com>'],
      ['production', 1, 2, 'Ada <ada@example.com>'],
      ['production', 2, null, 'Ada <ada@example.com>'],
    ])
    const log = await git.log({ fs, dir, depth: 3 })
    expect(log.map((c) => c.commit.message.trim())).toEqual([
      'Remove label production from prompt:greet (was v2)',
      'Label prompt:greet production → v2 (was v1)',
      'Label prompt:greet production → v1',
    ])
    expect(await code(setLabel(store, parseRef('prompt:greet'), 'v3'))).toBe('INVALID_REQUEST')
    expect(await code(removeLabel(store, 'prompt', 'greet', 'staging'))).toBe('NOT_FOUND')
  })
})

describe('the version index', () => {
  it('catches up with commits made outside Weft and rebuilds identically from git', async () => {
    await save('greet', 'one')
    fs.writeFileSync(path.join(dir, 'prompts/greet.prompt'), 'from a terminal\n')
    await git.add({ fs, dir, filepath: 'prompts/greet.prompt' })
    await git.commit({ fs, dir, message: 'edit in terminal', author: { name: 'Bob', email: 'bob@example.com' } })
    expect((await store.versions('prompt', 'greet')).map((v) => [v.n, v.author])).toEqual([[2, 'Bob'], [1, 'Ada']])

    const before = await store.versions('prompt', 'greet')
    store.close()
    fs.rmSync(path.join(dir, '.weft', 'index.db'))
    store = await openObjectStore({ dir, canonicalize, now })
    expect(await store.versions('prompt', 'greet')).toEqual(before)
  })

  it('sets a damaged index aside and rebuilds it from git', async () => {
    await save('greet', 'one')
    await save('greet', 'two')
    store.close()
    fs.writeFileSync(path.join(dir, '.weft', 'index.db'), 'this is not a database '.repeat(200))
    fs.rmSync(path.join(dir, '.weft', 'index.db-wal'), { force: true })
    fs.rmSync(path.join(dir, '.weft', 'index.db-shm'), { force: true })
    store = await openObjectStore({ dir, canonicalize, now })
    expect((await store.versions('prompt', 'greet')).map((v) => v.n)).toEqual([2, 1])
    expect(fs.readdirSync(path.join(dir, '.weft')).some((f) => f.startsWith('index.db.damaged-'))).toBe(true)
  })

  it('leaves a repository the git CLI reads and fsck accepts', async () => {
    await save('greet', 'one')
    await setLabel(store, parseRef('prompt:greet'), 'production')
    const gitCli = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' })
    try {
      gitCli('--version')
    } catch {
      return // no git CLI on this machine: nothing more to check
    }
    expect(gitCli('fsck', '--full', '--strict')).toBe('')
    expect(gitCli('log', '--format=%s')).toContain('Label prompt:greet production')
    expect(gitCli('status', '--porcelain')).toBe('')
  })
})
