import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCrashSafeFs, maintainRepository, needsMaintenance, objectStats, removeStaleTempFiles } from './maintenance'

const COMMITS = 200
const FOLDERS = ['prompts', 'datasets', 'models', 'scorers', 'evals']
let root: string
let template: string
let small: string
let allOids: string[]
let smallOids: string[]
let copies = 0

/** A fresh copy of a template repository (building each once keeps the suite fast). */
function copy(from: string = template): string {
  const dir = path.join(root, `copy${copies++}`)
  execFileSync('cp', ['-a', from, dir])
  return dir
}

const fsck = (dir: string) => spawnSync('git', ['fsck', '--full', '--strict'], { cwd: dir, encoding: 'utf8' })
const sig = (i: number) => ({ name: 'T', email: 't@example.com', timestamp: 1_700_000_000 + i, timezoneOffset: 0 })

/** Every object id in the repository, read through isomorphic-git's walk of all commits. */
async function reachableOids(dir: string): Promise<string[]> {
  const oids = new Set<string>()
  for (const { oid, commit } of await git.log({ fs, dir })) {
    oids.add(oid)
    await git.walk({
      fs,
      dir,
      trees: [git.TREE({ ref: commit.tree })],
      map: async (_path, [entry]) => {
        oids.add((await entry!.oid())!)
        return true
      },
    })
  }
  return [...oids]
}

/** A repository of `commits` saves of small object files edited over and over: the shape of a real project's history. */
async function buildRepo(dir: string, commits: number): Promise<void> {
  await git.init({ fs, dir, defaultBranch: 'main' })
  for (let i = 0; i < commits; i++) {
    const file = `${FOLDERS[i % FOLDERS.length]}/item-${i % 4}.txt`
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true })
    const text = Array.from({ length: 8 }, (_, k) => `line ${k} of ${file}: ${k === i % 8 ? i : 0} lorem ipsum dolor sit amet`).join('\n')
    fs.writeFileSync(path.join(dir, file), `${text}\n`)
    await git.add({ fs, dir, filepath: file })
    await git.commit({ fs, dir, message: `save ${file} #${i}`, author: sig(i) })
  }
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-maint-'))
  template = path.join(root, 'template')
  small = path.join(root, 'small')
  await buildRepo(template, COMMITS)
  await buildRepo(small, 6)
  allOids = await reachableOids(template)
  smallOids = await reachableOids(small)
}, 60_000)
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('a repository written by isomorphic-git', () => {
  it('passes git fsck and reads with git log', () => {
    expect(fsck(template).status).toBe(0)
    expect(execFileSync('git', ['log', '--oneline'], { cwd: template, encoding: 'utf8' }).trim().split('\n')).toHaveLength(COMMITS)
  })
})

describe('maintainRepository', () => {
  it('packs loose objects without the git CLI, losing nothing, within 2× of git gc', async () => {
    const dir = copy()
    expect(await needsMaintenance({ dir, threshold: 500 })).toBe(true)
    const result = await maintainRepository({ dir, useGitCli: false })
    expect(result.method).toBe('pack')
    expect(result.before.looseObjects).toBe(allOids.length)
    expect(result.after.looseObjects).toBe(0)
    expect(result.after.bytes).toBeLessThan(result.before.bytes / 10)
    expect(await needsMaintenance({ dir, threshold: 500 })).toBe(false)

    // isomorphic-git still reads every commit, tree and blob (now from the pack)…
    const cache = {}
    for (const oid of allOids) await git.readObject({ fs, dir, oid, cache })
    expect(await git.log({ fs, dir })).toHaveLength(COMMITS)
    // …git agrees, and the repository keeps working for new saves.
    expect(fsck(dir).status).toBe(0)
    fs.writeFileSync(path.join(dir, 'prompts/item-0.txt'), 'after maintenance\n')
    await git.add({ fs, dir, filepath: 'prompts/item-0.txt' })
    await git.commit({ fs, dir, message: 'after', author: sig(COMMITS) })
    expect(execFileSync('git', ['log', '--oneline'], { cwd: dir, encoding: 'utf8' }).trim().split('\n')).toHaveLength(COMMITS + 1)

    const gcDir = copy()
    execFileSync('git', ['gc', '--quiet'], { cwd: gcDir })
    const gcBytes = (await objectStats({ dir: gcDir })).bytes
    expect(result.after.bytes).toBeLessThanOrEqual(2 * gcBytes)
  })

  it('uses git gc when the CLI is there', async () => {
    const dir = copy(small)
    const result = await maintainRepository({ dir })
    expect(result).toMatchObject({ method: 'git-gc', corruptObjects: [] })
    expect(result.after.looseObjects).toBe(0)
    expect(await git.log({ fs, dir })).toHaveLength(6)
  })

  it('finishes the job an interrupted maintenance left (objects set aside but not yet verified)', async () => {
    const dir = copy(small)
    const aside = path.join(dir, '.git', 'weft-maintenance')
    fs.mkdirSync(aside)
    for (const oid of smallOids.slice(0, 10)) fs.renameSync(path.join(dir, '.git/objects', oid.slice(0, 2), oid.slice(2)), path.join(aside, oid))
    await maintainRepository({ dir, useGitCli: false })
    expect(fs.existsSync(aside)).toBe(false)
    for (const oid of smallOids) await git.readObject({ fs, dir, oid })
    expect(fsck(dir).status).toBe(0)
  })

  it('sets aside empty object files so git gc, packing and later saves work again', async () => {
    const dir = copy(small)
    fs.mkdirSync(path.join(dir, '.git/objects/ab'), { recursive: true })
    fs.writeFileSync(path.join(dir, '.git/objects/ab', 'c'.repeat(38)), '')
    const result = await maintainRepository({ dir })
    expect(result.corruptObjects).toEqual([`ab${'c'.repeat(38)}`])
    expect(result.method).toBe('git-gc')
    expect(fs.existsSync(path.join(dir, '.git/weft-corrupt', `ab${'c'.repeat(38)}`))).toBe(true)
  })

  it('removes stale temp files only', async () => {
    const dir = copy(small)
    const old = path.join(dir, '.git', 'tmp_weft_1_1')
    fs.writeFileSync(old, 'x')
    fs.utimesSync(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000))
    fs.writeFileSync(path.join(dir, '.git', 'tmp_weft_1_2'), 'in flight')
    expect(await removeStaleTempFiles({ dir })).toBe(1)
    expect(fs.readdirSync(path.join(dir, '.git')).filter((n) => n.startsWith('tmp_weft_'))).toEqual(['tmp_weft_1_2'])
  })
})

/**
 * A process killed during a save: `dyingFs` performs the first `k` writes, then
 * dies at write k — truncating its target first, as open(O_TRUNC) does before
 * the data is written — and fails every call after. Trying every k covers every
 * point in a save at which a kill can land.
 */
function dyingFs(k: number): typeof fs.promises {
  let writes = 0
  let dead = false
  const mutate = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    (async (...args: A) => {
      if (dead) throw new Error('process is dead')
      if (writes++ === k) {
        dead = true
        if (name === 'writeFile') await fs.promises.writeFile(args[0] as string, '')
        throw new Error('killed')
      }
      return fn(...args)
    }) as (...args: A) => Promise<R>
  const p = fs.promises
  return {
    ...p,
    writeFile: mutate('writeFile', p.writeFile),
    rename: mutate('rename', p.rename),
    unlink: mutate('unlink', p.unlink),
    mkdir: mutate('mkdir', p.mkdir),
  } as typeof fs.promises
}

/** One save (the lead's store path: updateIndex, writeTree, writeCommit, writeRef) through `gitFs`. */
async function save(dir: string, gitFs: object, text: string): Promise<void> {
  const f = gitFs as typeof fs
  fs.writeFileSync(path.join(dir, 'prompts/item-0.txt'), text)
  const head = await git.resolveRef({ fs: f, dir, ref: 'HEAD' })
  const blob = (await git.updateIndex({ fs: f, dir, filepath: 'prompts/item-0.txt', add: true })) as string
  const { tree: rootTree } = await git.readTree({ fs: f, dir, oid: head })
  const prompts = rootTree.find((e) => e.path === 'prompts')!
  const { tree: promptTree } = await git.readTree({ fs: f, dir, oid: prompts.oid })
  const newPrompts = await git.writeTree({ fs: f, dir, tree: promptTree.map((e) => (e.path === 'item-0.txt' ? { ...e, oid: blob } : e)) })
  const tree = await git.writeTree({ fs: f, dir, tree: rootTree.map((e) => (e.path === 'prompts' ? { ...e, oid: newPrompts } : e)) })
  const commit = await git.writeCommit({ fs: f, dir, commit: { message: 'save\n', tree, parent: [head], author: sig(1), committer: sig(1) } })
  await git.writeRef({ fs: f, dir, ref: 'refs/heads/main', value: commit, force: true })
}

/** Whether the repository opens for isomorphic-git and passes git fsck (dangling objects allowed). */
async function healthy(dir: string): Promise<boolean> {
  try {
    await git.log({ fs, dir, depth: 2 })
    await git.statusMatrix({ fs, dir, filepaths: ['prompts'] })
  } catch {
    return false
  }
  return fsck(dir).status === 0
}

describe('crash safety', () => {
  it('a commit killed before its ref moved leaves HEAD on the previous commit and a healthy repository', async () => {
    const dir = copy(small)
    const before = await git.resolveRef({ fs, dir, ref: 'HEAD' })
    fs.writeFileSync(path.join(dir, 'prompts/item-1.txt'), 'never committed\n')
    await git.add({ fs, dir, filepath: 'prompts/item-1.txt' })
    await git.commit({ fs, dir, message: 'killed', author: sig(9), noUpdateBranch: true }) // objects written, ref not
    expect(await git.resolveRef({ fs, dir, ref: 'HEAD' })).toBe(before)
    expect(await healthy(dir)).toBe(true)
    expect(fsck(dir).stdout).toContain('dangling commit')
  })

  it('with crashSafeFs, a kill at any write of a save leaves a repository that opens and passes fsck', async () => {
    const before = await git.resolveRef({ fs, dir: small, ref: 'HEAD' })
    let completed = false
    for (let k = 0; !completed; k++) {
      const attempt = copy(small)
      try {
        await save(attempt, createCrashSafeFs({ base: dyingFs(k) }), `save killed at write ${k}\n`)
        completed = true
      } catch (error) {
        expect((error as Error).message).toMatch(/killed|dead/)
      }
      expect(await healthy(attempt), `killed at write ${k}`).toBe(true)
      expect([before, undefined]).toContain(completed ? undefined : await git.resolveRef({ fs, dir: attempt, ref: 'HEAD' }))
      fs.rmSync(attempt, { recursive: true })
    }
    // A copy, a save and an fsck per kill point: ~1 s alone, more than vitest's default 5 s when the machine is busy.
  }, 30_000)

  it('with plain node:fs, some kill points leave an empty index or object (why crashSafeFs exists)', async () => {
    let broken: number | null = null
    let completed = false
    for (let k = 0; !completed && broken === null; k++) {
      const attempt = copy(small)
      try {
        await save(attempt, { promises: dyingFs(k) }, `save killed at write ${k}\n`)
        completed = true
      } catch {
        if (!(await healthy(attempt))) broken = k
      }
      fs.rmSync(attempt, { recursive: true })
    }
    expect(broken).not.toBeNull()
  })
})
