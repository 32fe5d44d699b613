/**
 * The filesystem every isomorphic-git call in Weft goes through. See
 * maintenance.ts for why: isomorphic-git writes objects, refs and .git/index
 * in place, and a process killed mid-write leaves an empty file that breaks
 * the repository; here every write is a temp file renamed over the target.
 */
import fs from 'node:fs'
import path from 'node:path'

/**
 * node:fs for isomorphic-git with atomic file writes (temp file + rename on the
 * same filesystem), so a killed process leaves each object, ref, index or
 * work-tree file either old or new, never empty or torn. `durable` also fsyncs
 * before the rename, for power loss, at the cost of a disk flush per file.
 * `base` is for tests that simulate a crash.
 */
export function createCrashSafeFs({ durable = false, base = fs.promises }: { durable?: boolean; base?: typeof fs.promises } = {}) {
  let counter = 0
  const writeFile = async (file: string, data: string | Uint8Array, options?: fs.WriteFileOptions) => {
    const tmp = tempPathFor(file, `${TEMP_PREFIX}${process.pid}_${counter++}`)
    try {
      if (durable) {
        const mode = typeof options === 'object' && options?.mode !== undefined ? options.mode : 0o666
        const handle = await base.open(tmp, 'w', mode)
        try {
          await handle.writeFile(data, typeof options === 'string' ? options : (options?.encoding ?? undefined))
          await handle.sync()
        } finally {
          await handle.close()
        }
      } else {
        await base.writeFile(tmp, data, options)
      }
      await renameWithRetry(base, tmp, file)
    } catch (error) {
      await base.unlink(tmp).catch(() => {})
      throw error
    }
  }
  return { promises: { ...base, writeFile } }
}

/** The crash-safe fs every isomorphic-git call in the store should use (atomic, not fsynced). */
export const crashSafeFs = createCrashSafeFs()

/** Prefix of the temp files; a killed process's leftovers are swept by maintenance. */
export const TEMP_PREFIX = 'tmp_weft_'

/**
 * Where a temp file for `file` goes: for anything inside a .git folder, that
 * folder's root (a leftover in refs/ would read as a branch, one in objects/
 * upsets fsck); else a hidden file beside it. isomorphic-git joins with "/" on
 * every platform, so both separators are matched.
 */
function tempPathFor(file: string, name: string): string {
  const inGit = [...file.matchAll(/[\\/]\.git[\\/]/g)].pop()
  return inGit ? file.slice(0, inGit.index! + inGit[0].length) + name : path.join(path.dirname(file), `.${name}`)
}

/** Windows refuses a rename over a file another process (an indexer, antivirus) holds briefly: retry. */
async function renameWithRetry(base: typeof fs.promises, from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await base.rename(from, to)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (attempt >= 4 || !(code === 'EPERM' || code === 'EACCES' || code === 'EBUSY')) throw error
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt))
    }
  }
}


/** Short name for the store's modules. */
export const gitFs = crashSafeFs
