/**
 * Opening and initialising project folders. A project is a folder that is a
 * git repository with a `weft.yaml`; anything else is offered initialisation,
 * never modified without being asked.
 */
import fs from 'node:fs'
import path from 'node:path'
import { WeftError } from '../../common/errors'
import { PROJECT_CONFIG_VERSION, type ProjectInfo } from '../../common/schemas/project'
import { CONFIG_FILE, formatConfig, readConfig } from './config'
import { commitPaths, currentBranch, headOid, initRepo, isGitRepo, type CommitOptions } from './git'

/** The folder of local, git-ignored state inside a project. */
export const LOCAL_STATE_DIR = '.weft'

/** Resolves a user-given path to an absolute, normalised one. */
export function resolveDir(dir: string, cwd: string = process.cwd()): string {
  return path.resolve(cwd, dir)
}

async function statDir(dir: string): Promise<'dir' | 'missing' | 'other'> {
  try {
    return (await fs.promises.stat(dir)).isDirectory() ? 'dir' : 'other'
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw error
  }
}

/** Describes a folder as a project, or says why it needs initialising. Throws NOT_FOUND / NOT_A_DIRECTORY. */
export async function inspectProject(dir: string): Promise<ProjectInfo> {
  const kind = await statDir(dir)
  if (kind === 'missing') throw new WeftError('NOT_FOUND', `Folder not found: ${dir}`, [{ path: 'dir', message: 'does not exist' }])
  if (kind === 'other') throw new WeftError('NOT_A_DIRECTORY', `Not a folder: ${dir}`, [{ path: 'dir', message: 'is a file, not a folder' }])
  const isRepo = await isGitRepo(dir)
  const config = await readConfig(dir)
  const base = {
    dir,
    isGitRepo: isRepo,
    branch: isRepo ? await currentBranch(dir) : null,
    head: isRepo ? await headOid(dir) : null,
  }
  if (!config || !isRepo) {
    const reason = !isRepo && !config
      ? 'This folder is not a git repository and has no weft.yaml.'
      : !isRepo
        ? 'This folder has a weft.yaml but is not a git repository.'
        : 'This git repository has no weft.yaml.'
    return { ...base, name: config?.name ?? path.basename(dir), status: 'needs-init', reason, config }
  }
  return { ...base, name: config.name, status: 'ready', config }
}

/** Lines `.gitignore` must have in a project. */
const IGNORED = [`${LOCAL_STATE_DIR}/`]

async function ensureGitignore(dir: string): Promise<boolean> {
  const file = path.join(dir, '.gitignore')
  let text = ''
  try {
    text = await fs.promises.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim()))
  const missing = IGNORED.filter((line) => !have.has(line) && !have.has(line.replace(/\/$/, '')))
  if (missing.length === 0) return false
  const prefix = text && !text.endsWith('\n') ? '\n' : ''
  const header = text ? '' : '# Weft: local state (trace database, caches) never goes into git\n'
  await fs.promises.writeFile(file, `${text}${prefix}${header}${missing.join('\n')}\n`)
  return true
}

/**
 * Makes `dir` a Weft project: creates the folder if needed, `git init` unless
 * it is a repository already, writes weft.yaml and .gitignore, and commits
 * them. Existing files are kept; an existing weft.yaml is refused.
 */
export async function initProject(dir: string, name?: string, commit: CommitOptions = {}): Promise<ProjectInfo> {
  const kind = await statDir(dir)
  if (kind === 'other') throw new WeftError('NOT_A_DIRECTORY', `Not a folder: ${dir}`, [{ path: 'dir', message: 'is a file, not a folder' }])
  if (kind === 'missing') await fs.promises.mkdir(dir, { recursive: true })
  if (await readConfig(dir)) {
    if (await isGitRepo(dir)) {
      throw new WeftError('ALREADY_EXISTS', `${dir} is a Weft project already`, [{ path: 'dir', message: 'already has a weft.yaml' }])
    }
  }
  const newRepo = !(await isGitRepo(dir))
  if (newRepo) await initRepo(dir)
  const toCommit: string[] = []
  if (await readConfig(dir)) {
    if (newRepo) toCommit.push(CONFIG_FILE)
  } else {
    const config = { schema: PROJECT_CONFIG_VERSION, name: name ?? path.basename(dir), defaults: {} } as const
    await fs.promises.writeFile(path.join(dir, CONFIG_FILE), formatConfig(config))
    toCommit.push(CONFIG_FILE)
  }
  if (await ensureGitignore(dir)) toCommit.push('.gitignore')
  await fs.promises.mkdir(path.join(dir, LOCAL_STATE_DIR), { recursive: true })
  if (toCommit.length > 0) await commitPaths(dir, toCommit, 'Initialise Weft project', commit)
  return inspectProject(dir)
}
