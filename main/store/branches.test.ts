import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { aheadBehind, changedPaths, createBranch, deleteBranch, listBranches, switchBranch, validateBranchName } from './branches'
import { caught } from '../../common/testing'

const author = { name: 'Test', email: 'test@example.com', timestamp: 1_700_000_000, timezoneOffset: 0 }
let dir: string
let tick = 0

/** Writes files and commits them (null deletes), with increasing timestamps so history is ordered. */
async function commit(files: Record<string, string | null>, message = 'save'): Promise<string> {
  for (const [filepath, content] of Object.entries(files)) {
    const full = path.join(dir, filepath)
    if (content === null) {
      fs.rmSync(full)
      await git.remove({ fs, dir, filepath })
    } else {
      fs.mkdirSync(path.dirname(full), { recursive: true })
      fs.writeFileSync(full, content)
      await git.add({ fs, dir, filepath })
    }
  }
  const signature = { ...author, timestamp: author.timestamp + tick++ }
  return git.commit({ fs, dir, message, author: signature, committer: signature })
}

const read = (filepath: string) => fs.readFileSync(path.join(dir, filepath), 'utf8')
const write = (filepath: string, text: string) => fs.writeFileSync(path.join(dir, filepath), text)


describe('branch names', () => {
  it.each(['feature/x', 'v1.2', 'exp-2024_01', 'a/b/c'])('accepts %s', (name) => expect(() => validateBranchName(name)).not.toThrow())
  it.each(['', 'a b', 'a..b', 'a~1', 'x^', 'a:b', 'q?', 's*', 'br[0]', 'back\\slash', '/a', 'a/', 'a//b', 'a.', '.hidden', 'a/.b', 'x.lock', 'a@{1}', '-x', 'HEAD', '@', 'tab\there'])(
    'refuses %j with a reason',
    (name) => {
      try {
        validateBranchName(name)
        throw new Error('accepted')
      } catch (error) {
        expect(error).toBeInstanceOf(WeftError)
        expect((error as WeftError).code).toBe('INVALID_REQUEST')
        expect((error as WeftError).message).toMatch(/is not a valid branch name: /)
      }
    },
  )
})

describe('branches', () => {
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-branches-'))
    await git.init({ fs, dir, defaultBranch: 'main' })
    await commit({ 'weft.yaml': 'name: t\n', 'prompts/a.prompt': 'A1\n', 'prompts/b.prompt': 'B1\n', 'README.md': 'readme\n' }, 'init')
  })
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('creates, lists and switches branches, updating the work tree', async () => {
    const main1 = await git.resolveRef({ fs, dir, ref: 'HEAD' })
    expect(await createBranch({ dir, name: 'exp', checkout: true })).toMatchObject({ name: 'exp', head: main1, isCurrent: true })
    await commit({ 'prompts/a.prompt': 'A-exp\n', 'prompts/c.prompt': 'C\n' })
    await commit({ 'prompts/b.prompt': null })
    const listed = await listBranches({ dir })
    expect(listed.current).toBe('exp')
    expect(listed.branches.map((b) => [b.name, b.isCurrent])).toEqual([['exp', true], ['main', false]])

    await switchBranch({ dir, name: 'main' })
    expect(read('prompts/a.prompt')).toBe('A1\n')
    expect(read('prompts/b.prompt')).toBe('B1\n')
    expect(fs.existsSync(path.join(dir, 'prompts/c.prompt'))).toBe(false)
    await switchBranch({ dir, name: 'exp' })
    expect(read('prompts/a.prompt')).toBe('A-exp\n')
    expect(fs.existsSync(path.join(dir, 'prompts/b.prompt'))).toBe(false)
  })

  it('creates a branch from another branch or an abbreviated commit id without switching', async () => {
    const first = await git.resolveRef({ fs, dir, ref: 'HEAD' })
    await commit({ 'prompts/a.prompt': 'A2\n' })
    expect((await createBranch({ dir, name: 'old', from: first.slice(0, 7) })).head).toBe(first)
    expect((await createBranch({ dir, name: 'copy', from: 'old' })).head).toBe(first)
    expect((await listBranches({ dir })).current).toBe('main')
    expect((await caught(createBranch({ dir, name: 'old' }))).code).toBe('ALREADY_EXISTS')
    expect((await caught(createBranch({ dir, name: 'x', from: 'nope' }))).code).toBe('NOT_FOUND')
  })

  it('refuses a switch that would overwrite an uncommitted edit, and names the file', async () => {
    await createBranch({ dir, name: 'exp', checkout: true })
    await commit({ 'prompts/a.prompt': 'A-exp\n' })
    await switchBranch({ dir, name: 'main' })
    write('prompts/a.prompt', 'my unsaved edit\n')
    const error = await caught(switchBranch({ dir, name: 'exp' }))
    expect(error.code).toBe('CONFLICT')
    expect(error.message).toContain('prompts/a.prompt')
    expect(error.issues?.map((i) => i.file)).toEqual(['prompts/a.prompt'])
    expect(read('prompts/a.prompt')).toBe('my unsaved edit\n')
    expect((await listBranches({ dir })).current).toBe('main')
  })

  it('carries an uncommitted edit across a switch that does not touch the file', async () => {
    await createBranch({ dir, name: 'exp', checkout: true })
    await commit({ 'prompts/b.prompt': 'B-exp\n' })
    await switchBranch({ dir, name: 'main' })
    write('prompts/a.prompt', 'still editing\n')
    await switchBranch({ dir, name: 'exp' })
    expect(read('prompts/a.prompt')).toBe('still editing\n')
    expect(read('prompts/b.prompt')).toBe('B-exp\n')
  })

  it('refuses when an untracked file would be replaced, or when something is staged', async () => {
    await createBranch({ dir, name: 'exp', checkout: true })
    await commit({ 'datasets/d.jsonl': '{"id":1}\n' })
    await switchBranch({ dir, name: 'main' })
    // isomorphic-git's checkout leaves the emptied datasets/ folder behind (git would remove it)
    fs.mkdirSync(path.join(dir, 'datasets'), { recursive: true })
    write('datasets/d.jsonl', '{"id":"mine"}\n')
    expect((await caught(switchBranch({ dir, name: 'exp' }))).issues?.map((i) => i.file)).toEqual(['datasets/d.jsonl'])
    fs.rmSync(path.join(dir, 'datasets'), { recursive: true })

    write('prompts/b.prompt', 'staged but not committed\n')
    await git.add({ fs, dir, filepath: 'prompts/b.prompt' })
    expect((await caught(switchBranch({ dir, name: 'exp' }))).issues?.map((i) => i.file)).toEqual(['prompts/b.prompt'])
    expect(read('prompts/b.prompt')).toBe('staged but not committed\n')
  })

  it('still refuses edits outside the store folders (isomorphic-git checks those)', async () => {
    await createBranch({ dir, name: 'exp', checkout: true })
    await commit({ 'README.md': 'exp readme\n' })
    await switchBranch({ dir, name: 'main' })
    write('README.md', 'local notes\n')
    const error = await caught(switchBranch({ dir, name: 'exp' }))
    expect(error.code).toBe('CONFLICT')
    expect(read('README.md')).toBe('local notes\n')
  })

  it('deletes branches, but not the current one nor unmerged work without force', async () => {
    await createBranch({ dir, name: 'merged' })
    await createBranch({ dir, name: 'work', checkout: true })
    await commit({ 'prompts/a.prompt': 'only here\n' })
    expect((await caught(deleteBranch({ dir, name: 'work' }))).message).toMatch(/current branch/)
    await switchBranch({ dir, name: 'main' })
    expect((await caught(deleteBranch({ dir, name: 'work' }))).message).toMatch(/commits that are on no other branch/)
    await deleteBranch({ dir, name: 'merged' })
    await deleteBranch({ dir, name: 'work', force: true })
    expect((await listBranches({ dir })).branches.map((b) => b.name)).toEqual(['main'])
    expect((await caught(deleteBranch({ dir, name: 'work' }))).code).toBe('NOT_FOUND')
  })

  it('deletes a branch that git gc moved into packed-refs', async () => {
    await createBranch({ dir, name: 'packed' })
    execFileSync('git', ['gc', '--quiet'], { cwd: dir })
    expect(fs.existsSync(path.join(dir, '.git/refs/heads/packed'))).toBe(false)
    await deleteBranch({ dir, name: 'packed' })
    expect((await listBranches({ dir })).branches.map((b) => b.name)).toEqual(['main'])
  })

  it('runs writes through the given lock', async () => {
    const calls: string[] = []
    const lock = async <T>(fn: () => Promise<T>) => {
      calls.push('lock')
      return fn()
    }
    await createBranch({ dir, name: 'a', lock })
    await switchBranch({ dir, name: 'a', lock })
    await switchBranch({ dir, name: 'main', lock })
    await deleteBranch({ dir, name: 'a', lock })
    expect(calls).toHaveLength(4)
  })

  it('counts ahead/behind against the upstream, across merges', async () => {
    const base = await git.resolveRef({ fs, dir, ref: 'HEAD' })
    const ours1 = await commit({ 'prompts/a.prompt': 'o1\n' })
    await git.writeRef({ fs, dir, ref: 'refs/heads/other', value: base })
    await git.checkout({ fs, dir, ref: 'other' })
    await commit({ 'prompts/b.prompt': 't1\n' })
    const theirs2 = await commit({ 'prompts/b.prompt': 't2\n' })
    expect(await aheadBehind(dir, ours1, theirs2)).toEqual({ ahead: 1, behind: 2 })
    expect(await aheadBehind(dir, base, theirs2)).toEqual({ ahead: 0, behind: 2 })

    await git.writeRef({ fs, dir, ref: 'refs/remotes/origin/main', value: theirs2 })
    await git.setConfig({ fs, dir, path: 'branch.main.remote', value: 'origin' })
    await git.setConfig({ fs, dir, path: 'branch.main.merge', value: 'refs/heads/main' })
    const main = (await listBranches({ dir })).branches.find((b) => b.name === 'main')
    expect(main).toMatchObject({ upstream: 'origin/main', ahead: 1, behind: 2 })
    expect(await changedPaths(dir, ours1, theirs2)).toEqual(new Set(['prompts/a.prompt', 'prompts/b.prompt']))
  })
})
