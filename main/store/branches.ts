/**
 * Branches of a project repository: list (with ahead/behind against the
 * upstream), create, switch and delete. A switch never overwrites a user's
 * uncommitted edit: it is refused with the files named instead.
 */
import git, { Errors, TREE } from 'isomorphic-git'
import { WeftError, type ErrorIssue } from '../../common/errors'
import { OBJECT_LAYOUT } from '../../common/schemas/project'
import { CONFIG_FILE } from '../project/config'
import { LABELS_FILE } from './labels'
import { withWriteLock } from './lock'
// Atomic writes: a process killed mid-checkout or mid-merge never leaves an empty index, ref or object.
import { crashSafeFs as fs } from './maintenance'

/** Runs `fn` as the repository's only writer. Defaults to {@link withWriteLock} for the project. */
export type WriteLock = <T>(fn: () => Promise<T>) => Promise<T>

/** For callers that already hold the write lock (it is not re-entrant: taking it again would wait forever). */
export const runUnlocked: WriteLock = (fn) => fn()

/** The given lock, else the project's write lock. */
export function lockFor(dir: string, lock?: WriteLock): WriteLock {
  return lock ?? ((fn) => withWriteLock(dir, fn))
}

/** The paths the store owns; dirty checks look only here (statusMatrix is O(files)). */
export const STORE_PATHS: readonly string[] = [...Object.values(OBJECT_LAYOUT).map((l) => l.folder), CONFIG_FILE, LABELS_FILE]

/** One local branch. `ahead`/`behind` count commits against `upstream` when it is known. */
export interface BranchInfo {
  name: string
  head: string
  isCurrent: boolean
  upstream?: string
  ahead?: number
  behind?: number
}

/** Throws INVALID_REQUEST unless `name` is a valid branch name (git check-ref-format rules). */
export function validateBranchName(name: string, field = 'name'): void {
  const problem = branchNameProblem(name)
  if (problem) throw new WeftError('INVALID_REQUEST', `"${name}" is not a valid branch name: ${problem}`, [{ path: field, message: problem }])
}

function branchNameProblem(name: string): string | null {
  if (!name) return 'it is empty'
  if (name === '@' || name === 'HEAD') return `"${name}" is reserved`
  if (name.startsWith('-')) return 'it may not start with "-"'
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'it may not contain spaces, control characters or any of ~ ^ : ? * [ \\'
  if (name.includes('..')) return 'it may not contain ".."'
  if (name.includes('@{')) return 'it may not contain "@{"'
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it may not start or end with "/" or contain "//"'
  if (name.endsWith('.')) return 'it may not end with "."'
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'no part of it may start with "."'
    if (part.endsWith('.lock')) return 'no part of it may end with ".lock"'
  }
  return null
}

/** The branches and which one is checked out (`current` is null when HEAD is detached). */
export async function listBranches({ dir }: { dir: string }): Promise<{ current: string | null; branches: BranchInfo[] }> {
  const cache = {}
  const current = (await git.currentBranch({ fs, dir })) ?? null
  const branches: BranchInfo[] = []
  for (const name of (await git.listBranches({ fs, dir })).sort()) {
    const head = await git.resolveRef({ fs, dir, ref: `refs/heads/${name}` })
    const info: BranchInfo = { name, head, isCurrent: name === current }
    const upstream = await upstreamOf(dir, name)
    if (upstream) {
      info.upstream = upstream.short
      const counts = await aheadBehind(dir, head, upstream.oid, cache)
      if (counts) Object.assign(info, counts)
    }
    branches.push(info)
  }
  return { current, branches }
}

/** The remote-tracking branch `name` follows (from `branch.<name>.remote/merge`), if it exists locally. */
export async function upstreamOf(dir: string, name: string): Promise<{ remote: string; ref: string; short: string; oid: string } | null> {
  const remote = await git.getConfig({ fs, dir, path: `branch.${name}.remote` })
  const merge = await git.getConfig({ fs, dir, path: `branch.${name}.merge` })
  if (typeof remote !== 'string' || typeof merge !== 'string') return null
  const short = `${remote}/${merge.replace(/^refs\/heads\//, '')}`
  try {
    return { remote, ref: `refs/remotes/${short}`, short, oid: await git.resolveRef({ fs, dir, ref: `refs/remotes/${short}` }) }
  } catch {
    return null
  }
}

/**
 * Commits only in `local` (ahead) and only in `upstream` (behind): git's date-ordered
 * paint walk, which stops once every queued commit is reachable from both sides.
 * Gives up (undefined) past `limit` commits rather than stall a branch list.
 */
export async function aheadBehind(dir: string, local: string, upstream: string, cache: object = {}, limit = 20_000) {
  if (local === upstream) return { ahead: 0, behind: 0 }
  const flags = new Map<string, number>([[local, 1], [upstream, 2]])
  const queue: { oid: string; time: number }[] = []
  const timeOf = async (oid: string) => (await git.readCommit({ fs, dir, oid, cache })).commit.committer.timestamp
  queue.push({ oid: local, time: await timeOf(local) }, { oid: upstream, time: await timeOf(upstream) })
  let steps = 0
  while (queue.some((e) => flags.get(e.oid) !== 3)) {
    if (++steps > limit) return undefined
    queue.sort((a, b) => b.time - a.time)
    const { oid } = queue.shift()!
    const flag = flags.get(oid)!
    for (const parent of (await git.readCommit({ fs, dir, oid, cache })).commit.parent) {
      const before = flags.get(parent) ?? 0
      if ((before | flag) === before) continue
      flags.set(parent, before | flag)
      queue.push({ oid: parent, time: await timeOf(parent) })
    }
  }
  let ahead = 0
  let behind = 0
  for (const flag of flags.values()) {
    if (flag === 1) ahead++
    else if (flag === 2) behind++
  }
  return { ahead, behind }
}

/** Creates branch `name` at `from` (a branch, ref or commit; default HEAD), optionally switching to it. */
export async function createBranch(options: { dir: string; name: string; from?: string; checkout?: boolean; lock?: WriteLock }): Promise<BranchInfo> {
  const { dir, name } = options
  validateBranchName(name)
  return lockFor(options.dir, options.lock)(async () => {
    if (await branchExists(dir, name)) throw new WeftError('ALREADY_EXISTS', `A branch named "${name}" already exists`, [{ path: 'name', message: 'already exists' }])
    const head = await resolveCommitish(dir, options.from ?? 'HEAD', 'from')
    await git.branch({ fs, dir, ref: name, object: head })
    if (options.checkout) await switchUnlocked(dir, name)
    return { name, head, isCurrent: Boolean(options.checkout) }
  })
}

/**
 * Checks out branch `name` (a local branch, or one remote has it: a tracking branch is made).
 * Refuses with CONFLICT, naming the files, when it would overwrite uncommitted work.
 */
export async function switchBranch(options: { dir: string; name: string; lock?: WriteLock }): Promise<{ current: string; head: string }> {
  validateBranchName(options.name)
  return lockFor(options.dir, options.lock)(() => switchUnlocked(options.dir, options.name))
}

async function switchUnlocked(dir: string, name: string): Promise<{ current: string; head: string }> {
  let remote: string | undefined
  if (!(await branchExists(dir, name))) {
    const remotes = []
    for (const { remote: r } of await git.listRemotes({ fs, dir })) {
      if ((await git.listBranches({ fs, dir, remote: r })).includes(name)) remotes.push(r)
    }
    if (remotes.length !== 1) {
      const why = remotes.length ? `it exists on several remotes (${remotes.join(', ')})` : 'no such branch'
      throw new WeftError('NOT_FOUND', `Cannot switch to "${name}": ${why}`, [{ path: 'name', message: why }])
    }
    remote = remotes[0]
  }
  const target = await resolveCommitish(dir, remote ? `refs/remotes/${remote}/${name}` : `refs/heads/${name}`, 'name')
  const current = await git.currentBranch({ fs, dir })
  if (current === name) return { current: name, head: target }
  await assertNoOverwrite(dir, await headOrNull(dir), target, `Switching to "${name}"`)
  try {
    await git.checkout({ fs, dir, ref: name, ...(remote ? { remote } : {}) })
  } catch (error) {
    // isomorphic-git's own check also covers files outside the store's folders.
    if (error instanceof Errors.CheckoutConflictError) throw overwriteConflict(`Switching to "${name}"`, error.data.filepaths)
    throw error
  }
  return { current: name, head: target }
}

/**
 * Deletes branch `name`. Refuses the current branch, and (unless `force`) a branch
 * whose commits are on neither HEAD nor its upstream, since they would be lost.
 */
export async function deleteBranch(options: { dir: string; name: string; force?: boolean; lock?: WriteLock }): Promise<void> {
  const { dir, name } = options
  validateBranchName(name)
  await lockFor(options.dir, options.lock)(async () => {
    if (!(await branchExists(dir, name))) throw new WeftError('NOT_FOUND', `No branch named "${name}"`, [{ path: 'name', message: 'no such branch' }])
    if ((await git.currentBranch({ fs, dir })) === name) {
      throw new WeftError('CONFLICT', `"${name}" is the current branch; switch to another branch before deleting it`)
    }
    const tip = await git.resolveRef({ fs, dir, ref: `refs/heads/${name}` })
    if (!options.force) {
      const keepers = [await headOrNull(dir), (await upstreamOf(dir, name))?.oid].filter((o): o is string => Boolean(o))
      if (!(await containsAny(dir, keepers, tip))) {
        throw new WeftError('CONFLICT', `"${name}" has commits that are on no other branch; merge it first, or delete with force`)
      }
    }
    await git.deleteBranch({ fs, dir, ref: name })
  })
}

/**
 * Refuses (CONFLICT) when moving the work tree from commit `from` to `to` would
 * overwrite uncommitted work in the store's paths: edits to files the move changes,
 * untracked files it would replace, and anything staged (isomorphic-git's checkout
 * resets staged entries to the target).
 */
export async function assertNoOverwrite(dir: string, from: string | null, to: string, action: string): Promise<void> {
  const dirty = await dirtyStorePaths(dir)
  if (dirty.length === 0) return
  const changed = await changedPaths(dir, from, to)
  const blocked = dirty.filter((d) => d.staged || changed.has(d.path)).map((d) => d.path)
  if (blocked.length > 0) throw overwriteConflict(action, blocked)
}

/** Uncommitted changes (including untracked files) under {@link STORE_PATHS}. */
export async function dirtyStorePaths(dir: string): Promise<{ path: string; staged: boolean }[]> {
  const rows = await git.statusMatrix({ fs, dir, filepaths: [...STORE_PATHS] })
  return rows
    .filter(([, head, workdir, stage]) => !(head === 1 && workdir === 1 && stage === 1))
    .map(([path, head, , stage]) => ({ path, staged: head === 1 ? stage !== 1 : stage !== 0 }))
}

/** Paths whose blob differs between two commits (null = empty tree); equal subtrees are skipped. */
export async function changedPaths(dir: string, from: string | null, to: string | null): Promise<Set<string>> {
  const changed = new Set<string>()
  const trees = [from, to].map((ref) => TREE({ ref: ref ?? '4b825dc642cb6eb9a060e54bf8d69288fbee4904' }))
  await git.walk({
    fs,
    dir,
    trees,
    map: async (filepath, [a, b]) => {
      if (filepath === '.') return true
      const [oidA, oidB] = [await a?.oid(), await b?.oid()]
      if (oidA === oidB) return null // identical (sub)tree: do not descend
      const [typeA, typeB] = [await a?.type(), await b?.type()]
      if (typeA === 'blob' || typeB === 'blob') changed.add(filepath)
      return true
    },
  })
  return changed
}

function overwriteConflict(action: string, paths: string[]): WeftError {
  const issues: ErrorIssue[] = paths.map((file) => ({ path: 'files', file, message: 'has uncommitted changes that would be overwritten' }))
  return new WeftError('CONFLICT', `${action} would overwrite uncommitted changes to ${paths.join(', ')}; save or discard them first`, issues)
}

async function branchExists(dir: string, name: string): Promise<boolean> {
  return (await git.listBranches({ fs, dir })).includes(name)
}

async function headOrNull(dir: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, dir, ref: 'HEAD' })
  } catch {
    return null
  }
}

/** A branch, ref, full or abbreviated commit id → the commit oid; NOT_FOUND otherwise. */
export async function resolveCommitish(dir: string, ref: string, field: string): Promise<string> {
  let oid: string | undefined
  try {
    oid = await git.resolveRef({ fs, dir, ref })
  } catch {
    if (/^[0-9a-f]{4,40}$/i.test(ref)) oid = await git.expandOid({ fs, dir, oid: ref.toLowerCase() }).catch(() => undefined)
  }
  if (!oid) {
    const why = ref === 'HEAD' ? 'the repository has no commits yet' : `"${ref}" names no branch or commit`
    throw new WeftError('NOT_FOUND', `Cannot resolve ${ref}: ${why}`, [{ path: field, message: why }])
  }
  return oid
}

async function containsAny(dir: string, tips: string[], oid: string): Promise<boolean> {
  for (const tip of tips) {
    if (tip === oid || (await git.isDescendent({ fs, dir, oid: tip, ancestor: oid, depth: -1 }))) return true
  }
  return false
}
