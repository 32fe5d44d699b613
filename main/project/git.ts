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

/** `[user] name/email` from a git config file's text (enough of git's INI dialect for that section). */
export function userFromGitConfig(text: string): { name?: string; email?: string } {
  const user: { name?: string; email?: string } = {}
  let inUser = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s[#;].*$/, '').trim()
    if (line.startsWith('[')) {
      inUser = /^\[\s*user\s*\]$/i.test(line)
      continue
    }
    const match = inUser ? /^(name|email)\s*=\s*(.*)$/i.exec(line) : null
    if (match) user[match[1]!.toLowerCase() as 'name' | 'email'] = match[2]!.replace(/^"(.*)"$/, '$1').trim()
  }
  return user
}

function globalGitUser(env: NodeJS.ProcessEnv = process.env): { name?: string; email?: string } {
  // isomorphic-git reads only the repository's config; git itself also reads these.
  const files = [path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'git', 'config'), path.join(os.homedir(), '.gitconfig')]
  const user: { name?: string; email?: string } = {}
  for (const file of files) {
    try {
      Object.assign(user, userFromGitConfig(fs.readFileSync(file, 'utf8')))
    } catch {
      // No such file: nothing to add.
    }
  }
  return user
}

/**
 * The author for commits Weft makes, in git's order: the environment, the
 * repository's config, the user's global git config, then the OS user — so a
 * commit never fails for want of an identity.
 */
export async function resolveAuthor(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Author> {
  const fromConfig = async (key: string) => {
    try {
      const value = await git.getConfig({ fs: gitFs, dir, path: key })
      return typeof value === 'string' && value.trim() ? value.trim() : undefined
    } catch {
      return undefined
    }
  }
  const global = globalGitUser(env)
  const user = os.userInfo().username || 'weft'
  return {
    name: env.GIT_AUTHOR_NAME || (await fromConfig('user.name')) || global.name || user,
    email: env.GIT_AUTHOR_EMAIL || (await fromConfig('user.email')) || global.email || `${user}@localhost`,
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
