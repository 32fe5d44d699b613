/**
 * The sample project a first launch opens: copied from `resources/` into the
 * user data folder once, then a normal project the user owns.
 */
import fs from 'node:fs'
import path from 'node:path'
import { WeftError } from '../../common/errors'
import type { ProjectInfo } from '../../common/schemas/project'
import { commitPaths, isGitRepo, type CommitOptions } from './git'
import { initProject, inspectProject } from './project'

/** Folder name of the sample inside the user data folder. */
export const SAMPLE_DIR_NAME = 'Sample Project'

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await fs.promises.readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name
    if (entry.isDirectory()) out.push(...(await listFiles(root, child)))
    else if (entry.isFile()) out.push(child)
  }
  return out.sort()
}

/**
 * Returns the sample project, creating it on first use: copies the template,
 * makes it a repository and commits every file. An existing copy is opened
 * as it is (the user may have changed it).
 */
export async function ensureSampleProject(templateDir: string, userDataDir: string, commit: CommitOptions = {}): Promise<ProjectInfo> {
  const target = path.join(userDataDir, SAMPLE_DIR_NAME)
  if (fs.existsSync(target) && (await isGitRepo(target))) return inspectProject(target)
  if (!fs.existsSync(templateDir)) {
    throw new WeftError('NOT_FOUND', `The sample project template is missing: ${templateDir}`)
  }
  // Copy into a temporary sibling, then rename: a crash never leaves half a sample.
  const staging = `${target}.partial-${process.pid}`
  await fs.promises.rm(staging, { recursive: true, force: true })
  await fs.promises.cp(templateDir, staging, { recursive: true })
  const files = await listFiles(staging)
  await initProject(staging, undefined, commit)
  await commitPaths(staging, files, 'Add sample prompts, dataset, model and evaluation', commit)
  await fs.promises.rm(target, { recursive: true, force: true })
  await fs.promises.rename(staging, target)
  return inspectProject(target)
}
