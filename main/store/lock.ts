/**
 * One writer at a time per repository. isomorphic-git's add/commit share
 * `.git/index` and refs, so concurrent saves — from this process (two API
 * calls) or another (the CLI while the app runs) — must queue. In-process
 * calls chain on a promise; across processes a lock file created with O_EXCL
 * guards the critical section, and a lock left by a dead process is taken over.
 */
import fs from 'node:fs'
import path from 'node:path'
import { WeftError } from '../../common/errors'

const queues = new Map<string, Promise<unknown>>()

/** How long a writer waits for another process before giving up with BUSY. */
export const LOCK_WAIT_MS = 10_000

function lockFile(dir: string): string {
  return path.join(dir, '.git', 'weft-write.lock')
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function acquireFileLock(dir: string, waitMs: number): Promise<() => void> {
  const file = lockFile(dir)
  const deadline = Date.now() + waitMs
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    try {
      const fd = fs.openSync(file, 'wx')
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }))
      fs.closeSync(fd)
      return () => fs.rmSync(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    // Someone holds it: take it over only if its owner is gone.
    try {
      const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number }
      if (typeof owner.pid === 'number' && owner.pid !== process.pid && !processAlive(owner.pid)) {
        fs.rmSync(file, { force: true })
        continue
      }
    } catch {
      // Half-written by a writer that is creating it right now; wait.
    }
    if (Date.now() > deadline) {
      throw new WeftError('BUSY', `Another Weft process is writing to ${dir}; try again in a moment (lock: ${file})`)
    }
    await new Promise((r) => setTimeout(r, delay))
  }
}

/** Runs `fn` as the only writer of the repository at `dir`, in this process and across processes. */
export function withWriteLock<T>(dir: string, fn: () => Promise<T>, waitMs: number = LOCK_WAIT_MS): Promise<T> {
  const key = path.resolve(dir)
  const previous = queues.get(key) ?? Promise.resolve()
  const run = previous.catch(() => {}).then(async () => {
    const release = await acquireFileLock(key, waitMs)
    try {
      return await fn()
    } finally {
      release()
    }
  })
  const tail = run.catch(() => {})
  queues.set(key, tail)
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key)
  })
  return run
}
