/**
 * The recent-projects list, kept as JSON in the user data folder. A damaged
 * file is set aside (never deleted) and the list starts empty.
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { RecentProjectSchema, type RecentProject } from '../../common/schemas/project'

const FILE = 'recent-projects.json'
const MAX = 20

const RecentFileSchema = z.object({ version: z.literal(1), projects: z.array(RecentProjectSchema) })

/** Reads and updates the recent-projects list under `userDataDir`. */
export class RecentProjects {
  constructor(private readonly userDataDir: string) {}

  private get file(): string {
    return path.join(this.userDataDir, FILE)
  }

  /** The list, newest first. */
  async list(): Promise<RecentProject[]> {
    let text: string
    try {
      text = await fs.promises.readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    try {
      return RecentFileSchema.parse(JSON.parse(text)).projects
    } catch {
      await fs.promises.rename(this.file, `${this.file}.damaged-${Date.now()}`).catch(() => {})
      return []
    }
  }

  /** Puts a project at the top of the list. */
  async remember(entry: { dir: string; name: string }, now: Date = new Date()): Promise<RecentProject[]> {
    const rest = (await this.list()).filter((p) => p.dir !== entry.dir)
    return this.write([{ dir: entry.dir, name: entry.name, openedAt: now.toISOString() }, ...rest].slice(0, MAX))
  }

  /** Drops a folder from the list. */
  async forget(dir: string): Promise<RecentProject[]> {
    return this.write((await this.list()).filter((p) => p.dir !== dir))
  }

  private async write(projects: RecentProject[]): Promise<RecentProject[]> {
    await fs.promises.mkdir(this.userDataDir, { recursive: true })
    // Write then rename, so a crash mid-write never leaves a torn file.
    const tmp = `${this.file}.${process.pid}.tmp`
    await fs.promises.writeFile(tmp, JSON.stringify({ version: 1, projects }, null, 2))
    await fs.promises.rename(tmp, this.file)
    return projects
  }
}
