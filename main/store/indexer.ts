/**
 * Brings the version index up to date with git: finds commits on local
 * branches that the index has not seen (made in a terminal, pulled, or made
 * before the index existed), and records them parents first. Cost is
 * proportional to the new commits only, and unchanged object folders are
 * skipped by comparing tree ids.
 */
import git from 'isomorphic-git'
import { gitFs } from './gitFs'
import type { ObjectKind } from '../../common/schemas/project'
import { commitTree, objectFiles, objectFolders, objectForPath, type GitCache } from './gitRead'
import type { ChangeInfo, CommitInfo, VersionIndex } from './versionIndex'

/** The trailer a rename commit carries, so the new name keeps the old name's versions. */
export const RENAME_TRAILER = 'Weft-Rename'

/** Renames recorded in a commit message (`Weft-Rename: prompt:a -> prompt:b`). */
export function parseRenames(message: string): Array<{ kind: ObjectKind; from: string; to: string }> {
  const renames: Array<{ kind: ObjectKind; from: string; to: string }> = []
  for (const match of message.matchAll(/^Weft-Rename: ([a-z]+):(\S+) -> \1:(\S+)$/gm)) {
    renames.push({ kind: match[1] as ObjectKind, from: match[2]!, to: match[3]! })
  }
  return renames
}

/** The object files a commit changed relative to its first parent. */
export async function changesOf(dir: string, tree: string, parentTree: string | null, cache: GitCache): Promise<ChangeInfo[]> {
  const [now, before] = await Promise.all([objectFolders(dir, tree, cache), objectFolders(dir, parentTree, cache)])
  const changes: ChangeInfo[] = []
  for (const folder of new Set([...now.keys(), ...before.keys()])) {
    if (now.get(folder) === before.get(folder)) continue
    const [files, oldFiles] = await Promise.all([objectFiles(dir, folder, now.get(folder), cache), objectFiles(dir, folder, before.get(folder), cache)])
    for (const [filepath, blob] of files) {
      if (oldFiles.get(filepath) !== blob) changes.push({ ...objectForPath(filepath)!, path: filepath, blob })
    }
    for (const filepath of oldFiles.keys()) {
      if (!files.has(filepath)) changes.push({ ...objectForPath(filepath)!, path: filepath, blob: null })
    }
  }
  return changes
}

/** Reads a commit into the index's shape. */
export async function readCommitInfo(dir: string, oid: string, cache: GitCache): Promise<CommitInfo & { tree: string }> {
  const { commit } = await git.readCommit({ fs: gitFs, dir, oid, cache })
  return {
    oid,
    tree: commit.tree,
    parents: commit.parent,
    time: commit.committer.timestamp,
    author: commit.author.name,
    email: commit.author.email,
    message: commit.message,
  }
}

/** Commits reachable from `tips` that the index lacks, parents before children. */
async function unindexedCommits(dir: string, tips: readonly string[], index: VersionIndex, cache: GitCache): Promise<Array<CommitInfo & { tree: string }>> {
  const ordered: Array<CommitInfo & { tree: string }> = []
  const seen = new Set<string>()
  // Iterative post-order DFS: a commit is emitted after all its unindexed parents.
  const stack: Array<{ oid: string; expanded: boolean; info?: CommitInfo & { tree: string } }> = tips.map((oid) => ({ oid, expanded: false }))
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    if (top.expanded) {
      stack.pop()
      ordered.push(top.info!)
      continue
    }
    if (seen.has(top.oid) || index.hasCommit(top.oid)) {
      stack.pop()
      continue
    }
    seen.add(top.oid)
    top.expanded = true
    top.info = await readCommitInfo(dir, top.oid, cache)
    for (const parent of [...top.info.parents].reverse()) {
      if (!seen.has(parent) && !index.hasCommit(parent)) stack.push({ oid: parent, expanded: false })
    }
  }
  return ordered
}

/** Tips of all local branches (and HEAD, which may be detached). */
export async function branchTips(dir: string): Promise<string[]> {
  const tips = new Set<string>()
  for (const branch of await git.listBranches({ fs: gitFs, dir })) {
    try {
      tips.add(await git.resolveRef({ fs: gitFs, dir, ref: `refs/heads/${branch}` }))
    } catch {
      // A branch ref that cannot be read is skipped, not fatal.
    }
  }
  try {
    tips.add(await git.resolveRef({ fs: gitFs, dir, ref: 'HEAD' }))
  } catch {
    // No commits yet.
  }
  return [...tips]
}

/** Indexes every commit on local branches that the index has not seen; returns how many. */
export async function catchUp(dir: string, index: VersionIndex, cache: GitCache): Promise<number> {
  const tips = (await branchTips(dir)).filter((oid) => !index.hasCommit(oid))
  if (tips.length === 0) return 0
  const commits = await unindexedCommits(dir, tips, index, cache)
  for (const commit of commits) {
    const parentTree = commit.parents[0] ? await commitTree(dir, commit.parents[0], cache) : null
    index.recordCommit(commit, await changesOf(dir, commit.tree, parentTree, cache), parseRenames(commit.message))
  }
  return commits.length
}
