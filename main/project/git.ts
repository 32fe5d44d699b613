/**
 * The few git verbs the project layer needs, through isomorphic-git (pure JS,
 * so the same code runs in Electron, web mode and tests without a git binary).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import { gitFs } from '../store/gitFs'

/** A commit author. */
export interface Author {
  name: string
  email: string
}

/** True when `dir` is the top of a git work tree (has its own `.git`). */
export async function isGitRepo(dir: string): Promise<boolean> {
  try {
    const stat = await fs.promises.stat(path.join(dir, '.git'))
    return stat.isDirectory() || stat.isFile()
  } catch {
    return false
  }
}

/** Creates a repository with `main` as its first branch. */
export async function initRepo(dir: string): Promise<void> {
  await git.init({ fs: gitFs, dir, defaultBranch: 'main' })
}

/** The checked-out branch, or null when HEAD is detached. */
export async function currentBranch(dir: string): Promise<string | null> {
  return (await git.currentBranch({ fs: gitFs, dir, fullname: false })) ?? null
}

/** HEAD's oid, or null before the first commit. */
export async function headOid(dir: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs: gitFs, dir, ref: 'HEAD' })
  } catch {
    return null
  }
}

/**
 * The author for commits Weft makes: the repository's git config, then the
 * usual environment variables, then the OS user — so a commit never fails for
 * want of an identity.
 */
export async function resolveAuthor(dir: string): Promise<Author> {
  const fromConfig = async (key: string) => {
    try {
      const value = await git.getConfig({ fs: gitFs, dir, path: key })
      return typeof value === 'string' && value.trim() ? value.trim() : undefined
    } catch {
      return undefined
    }
  }
  const user = os.userInfo().username || 'weft'
  return {
    name: (await fromConfig('user.name')) ?? process.env.GIT_AUTHOR_NAME ?? user,
    email: (await fromConfig('user.email')) ?? process.env.GIT_AUTHOR_EMAIL ?? `${user}@localhost`,
  }
}

/** Options for {@link commitPaths}. */
export interface CommitOptions {
  author?: Author
  /** The commit time; tests pass a fixed clock so commits are reproducible. */
  now?: () => Date
}

/** Stages the given project-relative paths and commits them; returns the new commit's oid. */
export async function commitPaths(dir: string, paths: readonly string[], message: string, options: CommitOptions = {}): Promise<string> {
  for (const filepath of paths) await git.add({ fs: gitFs, dir, filepath })
  const author = options.author ?? (await resolveAuthor(dir))
  const date = (options.now ?? (() => new Date()))()
  const signature = { ...author, timestamp: Math.floor(date.getTime() / 1000), timezoneOffset: date.getTimezoneOffset() }
  return git.commit({ fs: gitFs, dir, message, author: signature, committer: signature })
}
