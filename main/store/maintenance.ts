/**
 * Repository health. isomorphic-git never packs: every save adds loose objects
 * (one file, one 4 KB block each), so a busy project grows to thousands of
 * files. Maintenance packs them: with `git gc` when the git CLI is installed,
 * otherwise with isomorphic-git alone (a pack without deltas, still far
 * smaller than loose objects). Loose objects are deleted only after the pack
 * and its index are on disk, synced, and every object has been read back
 * from the pack alone.
 *
 * Crash safety (see maintenance.test.ts): a commit writes its objects first
 * and moves the branch ref last, so a process killed mid-commit leaves HEAD on
 * the previous commit and at worst some dangling objects (git fsck accepts
 * them; the next maintenance packs them) — provided each file write is atomic.
 * With plain node:fs it is not: isomorphic-git writes objects, refs and
 * .git/index in place (open with O_TRUNC, then write), and a SIGKILL between
 * the two leaves an empty file. Measured here: about 1 kill in 5 during a save
 * loop left an empty loose object (which isomorphic-git then never rewrites,
 * since it skips objects that exist), and one left an empty .git/index that
 * neither isomorphic-git nor git can open. {@link crashSafeFs} closes that gap.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import git from 'isomorphic-git'
import { WeftError } from '../../common/errors'
import type { WriteLock } from './branches'
import { withWriteLock } from './lock'

export { createCrashSafeFs, crashSafeFs } from './gitFs'
import { TEMP_PREFIX, crashSafeFs } from './gitFs'

/** Deletes temp files a killed process left in `.git/` (older than `minAgeMs`, so live writes are spared). */
export async function removeStaleTempFiles({ dir, minAgeMs = 10 * 60_000 }: { dir: string; minAgeMs?: number }): Promise<number> {
  const gitdir = gitdirOf(dir)
  let removed = 0
  for (const name of await fs.promises.readdir(gitdir)) {
    if (!name.startsWith(TEMP_PREFIX)) continue
    const stat = await fs.promises.stat(path.join(gitdir, name)).catch(() => null)
    if (stat && Date.now() - stat.mtimeMs >= minAgeMs) {
      await fs.promises.rm(path.join(gitdir, name), { force: true })
      removed++
    }
  }
  return removed
}

/** Loose object count and bytes on disk (allocated blocks) under .git/objects. */
export interface ObjectStats {
  looseObjects: number
  bytes: number
}

/** What {@link maintainRepository} did. */
export interface MaintenanceResult {
  before: ObjectStats
  after: ObjectStats
  method: 'git-gc' | 'pack'
  /** Empty loose objects (left by a crash) moved to `.git/weft-corrupt/`, so a later save can write them again. */
  corruptObjects: string[]
}

/** Loose objects above which the store should run maintenance in the background. */
export const LOOSE_OBJECT_THRESHOLD = 1000

// Loose objects are moved here while the new pack is verified; same filesystem, outside objects/ so fsck never sees it.
const QUARANTINE = 'weft-maintenance'
// Objects per pack: isomorphic-git builds a pack in memory.
const MAX_PACK_INPUT_BYTES = 128 * 1024 * 1024

/** True when loose objects exceed `threshold`. Cheap enough to ask after every save: names only, no stat. */
export async function needsMaintenance({ dir, threshold = LOOSE_OBJECT_THRESHOLD }: { dir: string; threshold?: number }): Promise<boolean> {
  const objects = path.join(gitdirOf(dir), 'objects')
  let count = 0
  for (const fanout of await fs.promises.readdir(objects).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(fanout)) continue
    count += (await fs.promises.readdir(path.join(objects, fanout)).catch(() => [] as string[])).filter((n) => n.length === 38).length
    if (count > threshold) return true
  }
  return false
}

/** Counts loose objects and the bytes .git/objects takes on disk. */
export async function objectStats({ dir }: { dir: string }): Promise<ObjectStats> {
  const gitdir = gitdirOf(dir)
  return { looseObjects: (await listLooseObjects(gitdir)).length, bytes: await diskUsage(path.join(gitdir, 'objects')) }
}

/**
 * Packs the repository's loose objects: `git gc --quiet` when the git CLI is
 * available and `useGitCli` is not false, else an isomorphic-git pack.
 * A failed or timed-out `git gc` falls back to the isomorphic-git pack.
 */
export async function maintainRepository(options: { dir: string; useGitCli?: boolean; lock?: WriteLock; timeoutMs?: number }): Promise<MaintenanceResult> {
  const { dir } = options
  return (options.lock ?? ((fn) => withWriteLock(dir, fn)))(async () => {
    const before = await objectStats({ dir })
    await removeStaleTempFiles({ dir })
    // git gc stops at an empty object file and isomorphic-git never rewrites one: set them aside first.
    const corruptObjects = await setAsideEmptyObjects(gitdirOf(dir))
    let method: MaintenanceResult['method'] = 'pack'
    if (options.useGitCli !== false && (await gitCliAvailable()) && (await run('git', ['gc', '--quiet'], dir, options.timeoutMs ?? 300_000))) {
      method = 'git-gc'
    } else {
      await packLooseObjects(dir)
    }
    return { before, after: await objectStats({ dir }), method, corruptObjects }
  })
}

/** True when a `git` executable answers `git --version` (remembered for the process). */
export function gitCliAvailable(): Promise<boolean> {
  gitCli ??= run('git', ['--version'], process.cwd(), 10_000)
  return gitCli
}
let gitCli: Promise<boolean> | undefined

/** Packs every loose object with isomorphic-git, then deletes the loose copies that the pack verifiably holds. */
async function packLooseObjects(dir: string): Promise<{ packs: string[]; objects: number }> {
  const gitdir = gitdirOf(dir)
  await restoreQuarantine(gitdir)
  const loose = await listLooseObjects(gitdir)
  const packs: string[] = []
  for (const batch of batches(loose)) {
    const oids = batch.map((o) => o.oid)
    const { filename, packfile } = await git.packObjects({ fs: crashSafeFs, dir, oids })
    const packPath = path.join(gitdir, 'objects', 'pack', filename)
    await writeDurably(packPath, packfile!)
    // The .idx is what makes a pack visible; crashSafeFs writes it whole or not at all (an empty one would break every read).
    const { oids: indexed } = await git.indexPack({ fs: crashSafeFs, dir, filepath: path.relative(dir, packPath) })
    await syncFile(packPath.replace(/\.pack$/, '.idx'))
    const inPack = new Set(indexed)
    const missing = oids.filter((oid) => !inPack.has(oid))
    if (missing.length > 0) throw new WeftError('INTERNAL', `The new pack ${filename} lacks ${missing.length} objects; loose objects kept`)
    await verifyFromPack(dir, gitdir, batch)
    packs.push(filename)
  }
  await removeEmptyFanout(gitdir)
  return { packs, objects: loose.length }
}

/**
 * Moves the batch's loose files aside so reads must come from the pack, reads
 * every object back and checks its SHA-1 (isomorphic-git does not for packed
 * reads), then deletes the loose copies — or puts them all back on any failure.
 */
async function verifyFromPack(dir: string, gitdir: string, batch: LooseObject[]): Promise<void> {
  const quarantine = path.join(gitdir, QUARANTINE)
  await fs.promises.mkdir(quarantine, { recursive: true })
  for (const { oid, file } of batch) await fs.promises.rename(file, path.join(quarantine, oid))
  try {
    const cache = {}
    for (const { oid } of batch) {
      const { type, object } = await git.readObject({ fs: crashSafeFs, dir, oid, format: 'content', cache })
      const body = object as Uint8Array
      const sha = crypto.createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex')
      if (sha !== oid) throw new Error(`object ${oid} reads back as ${sha}`)
    }
  } catch (error) {
    await restoreQuarantine(gitdir)
    throw new WeftError('INTERNAL', `A new pack could not be read back (${(error as Error).message}); loose objects kept`)
  }
  await fs.promises.rm(quarantine, { recursive: true, force: true })
}

/** Puts loose objects left aside by an interrupted maintenance back where git looks for them. */
async function restoreQuarantine(gitdir: string): Promise<void> {
  const quarantine = path.join(gitdir, QUARANTINE)
  const names = await fs.promises.readdir(quarantine).catch(() => [] as string[])
  for (const oid of names) {
    if (!/^[0-9a-f]{40}$/.test(oid)) continue
    const target = path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2))
    await fs.promises.mkdir(path.dirname(target), { recursive: true })
    await fs.promises.rename(path.join(quarantine, oid), target)
  }
  await fs.promises.rm(quarantine, { recursive: true, force: true })
}

/** Moves zero-byte loose objects (a write killed after the file was created) to `.git/weft-corrupt/`. */
async function setAsideEmptyObjects(gitdir: string): Promise<string[]> {
  const empty = (await listLooseObjects(gitdir)).filter((o) => o.size === 0)
  if (empty.length === 0) return []
  const corrupt = path.join(gitdir, 'weft-corrupt')
  await fs.promises.mkdir(corrupt, { recursive: true })
  for (const { oid, file } of empty) await fs.promises.rename(file, path.join(corrupt, oid))
  return empty.map((o) => o.oid)
}

interface LooseObject {
  oid: string
  file: string
  size: number
}

async function listLooseObjects(gitdir: string): Promise<LooseObject[]> {
  const objects = path.join(gitdir, 'objects')
  const found: LooseObject[] = []
  for (const fanout of await fs.promises.readdir(objects).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{2}$/.test(fanout)) continue
    for (const rest of await fs.promises.readdir(path.join(objects, fanout)).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{38}$/.test(rest)) continue // git's and isomorphic-git's temp files
      const file = path.join(objects, fanout, rest)
      const stat = await fs.promises.stat(file).catch(() => null)
      if (stat?.isFile()) found.push({ oid: fanout + rest, file, size: stat.size })
    }
  }
  return found
}

function* batches(objects: LooseObject[]): Generator<LooseObject[]> {
  let batch: LooseObject[] = []
  let bytes = 0
  for (const object of objects) {
    if (batch.length > 0 && bytes + object.size > MAX_PACK_INPUT_BYTES) {
      yield batch
      batch = []
      bytes = 0
    }
    batch.push(object)
    bytes += object.size
  }
  if (batch.length > 0) yield batch
}

/** Writes to a temp file, syncs, renames: a crash never leaves a torn pack under its final name. */
async function writeDurably(file: string, data: Uint8Array): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true })
  const tmp = path.join(path.dirname(file), `tmp_weft_${crypto.randomBytes(6).toString('hex')}`)
  const handle = await fs.promises.open(tmp, 'wx', 0o444) // git keeps packs read-only
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fs.promises.rename(tmp, file)
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function removeEmptyFanout(gitdir: string): Promise<void> {
  const objects = path.join(gitdir, 'objects')
  for (const fanout of await fs.promises.readdir(objects)) {
    if (/^[0-9a-f]{2}$/.test(fanout)) await fs.promises.rmdir(path.join(objects, fanout)).catch(() => {}) // fails when not empty: fine
  }
}

async function diskUsage(target: string): Promise<number> {
  const stat = await fs.promises.lstat(target).catch(() => null)
  if (!stat) return 0
  const own = stat.blocks ? stat.blocks * 512 : stat.size // st_blocks is absent on Windows
  if (!stat.isDirectory()) return own
  let total = own
  for (const name of await fs.promises.readdir(target)) total += await diskUsage(path.join(target, name))
  return total
}

function gitdirOf(dir: string): string {
  return path.join(dir, '.git')
}

/** Runs a command; true on exit 0, false on failure, missing executable or timeout (killed). */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'ignore', timeout: timeoutMs, killSignal: 'SIGTERM' })
    child.on('error', () => resolve(false))
    child.on('close', (code) => resolve(code === 0))
  })
}
