/**
 * Commits a few changed files by rewriting only the trees on their paths.
 * isomorphic-git's `commit` rebuilds every tree from the whole index, which
 * costs time in proportion to the repository's file count; a save changes one
 * file, so this touches one blob, its folder's tree and the root tree. The
 * index entry of each path is updated too (with the file's real stat), so
 * `git status` stays clean.
 */
import git, { type TreeEntry } from 'isomorphic-git'
import { gitFs } from './gitFs'
import type { Author } from '../project/git'
import { commitTree, readTreeMap, type GitCache } from './gitRead'

/** The paths a commit adds/changes (their content is on disk) and removes. */
export interface TreeChanges {
  add?: string[]
  remove?: string[]
}

type Change = { oid: string | null }

/** Writes the tree `treeOid` with `changes` (path below this tree → new blob or null) applied; null when it ends up empty. */
async function rewriteTree(dir: string, treeOid: string | null, changes: Map<string, Change>, cache: GitCache): Promise<string | null> {
  const entries = new Map<string, TreeEntry>()
  if (treeOid) for (const [name, e] of await readTreeMap(dir, treeOid, cache)) entries.set(name, { path: name, oid: e.oid, type: e.type as TreeEntry['type'], mode: e.mode })
  // Group by the first path segment: leaves change here, the rest recurse.
  const below = new Map<string, Map<string, Change>>()
  for (const [filepath, change] of changes) {
    const slash = filepath.indexOf('/')
    if (slash === -1) {
      if (change.oid) entries.set(filepath, { path: filepath, oid: change.oid, type: 'blob', mode: entries.get(filepath)?.mode ?? '100644' })
      else entries.delete(filepath)
      continue
    }
    const head = filepath.slice(0, slash)
    if (!below.has(head)) below.set(head, new Map())
    below.get(head)!.set(filepath.slice(slash + 1), change)
  }
  for (const [name, subChanges] of below) {
    const existing = entries.get(name)
    const subtree = await rewriteTree(dir, existing?.type === 'tree' ? existing.oid : null, subChanges, cache)
    if (subtree) entries.set(name, { path: name, oid: subtree, type: 'tree', mode: '040000' })
    else entries.delete(name)
  }
  if (entries.size === 0) return null
  return git.writeTree({ fs: gitFs, dir, tree: [...entries.values()] })
}

/** What {@link commitChanges} wrote. */
export interface CommittedChanges {
  commit: string
  parent: string
  message: string
  /** Seconds since the epoch. */
  time: number
  /** Each changed path's new blob id, or null when removed. */
  blobs: Map<string, string | null>
}

/** Commits the changes on top of HEAD and moves the current branch (or a detached HEAD). */
export async function commitChanges(options: { dir: string; cache: GitCache; changes: TreeChanges; message: string; author: Author; now: Date; head?: string }): Promise<CommittedChanges> {
  const { dir, cache, changes, author, now } = options
  const message = options.message.endsWith('\n') ? options.message : `${options.message}\n`
  const head = options.head ?? (await git.resolveRef({ fs: gitFs, dir, ref: 'HEAD' }))
  const byPath = new Map<string, Change>()
  for (const filepath of changes.add ?? []) {
    // Writes the blob from the working file and records its real stat in the index.
    const oid = await git.updateIndex({ fs: gitFs, dir, filepath, add: true, cache })
    byPath.set(filepath, { oid: oid as string })
  }
  for (const filepath of changes.remove ?? []) {
    await git.updateIndex({ fs: gitFs, dir, filepath, remove: true, force: true, cache })
    byPath.set(filepath, { oid: null })
  }
  const tree = (await rewriteTree(dir, await commitTree(dir, head, cache), byPath, cache)) ?? (await git.writeTree({ fs: gitFs, dir, tree: [] }))
  const signature = { name: author.name, email: author.email, timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: now.getTimezoneOffset() }
  const commit = await git.writeCommit({ fs: gitFs, dir, commit: { message, tree, parent: [head], author: signature, committer: signature } })
  // Objects first, ref last: a crash before this line leaves HEAD where it was.
  const branch = await git.currentBranch({ fs: gitFs, dir, fullname: true })
  await git.writeRef({ fs: gitFs, dir, ref: branch ?? 'HEAD', value: commit, force: true })
  return { commit, parent: head, message, time: signature.timestamp, blobs: new Map([...byPath].map(([p, c]) => [p, c.oid])) }
}
