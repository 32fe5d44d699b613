import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { withWriteLock } from './lock'

function repoDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-lock-'))
  fs.mkdirSync(path.join(dir, '.git'))
  return dir
}

describe('withWriteLock', () => {
  it('runs writers of one repository one at a time, in order', async () => {
    const dir = repoDir()
    const log: string[] = []
    const task = (id: string) =>
      withWriteLock(dir, async () => {
        log.push(`start ${id}`)
        await new Promise((r) => setTimeout(r, 10))
        log.push(`end ${id}`)
        return id
      })
    expect(await Promise.all([task('a'), task('b'), task('c')])).toEqual(['a', 'b', 'c'])
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
    expect(fs.existsSync(path.join(dir, '.git', 'weft-write.lock'))).toBe(false)
  })

  it('releases the lock when the writer throws', async () => {
    const dir = repoDir()
    await expect(withWriteLock(dir, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await withWriteLock(dir, async () => 'next')).toBe('next')
  })

  it('waits for another process and says BUSY when it does not let go', async () => {
    const dir = repoDir()
    const lock = path.join(dir, '.git', 'weft-write.lock')
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'])
    fs.writeFileSync(lock, JSON.stringify({ pid: holder.pid }))
    try {
      await expect(withWriteLock(dir, async () => 'x', 300)).rejects.toMatchObject({ code: 'BUSY' })
    } finally {
      holder.kill()
    }
  })

  it('takes over a lock left by a process that died', async () => {
    const dir = repoDir()
    const deadPid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString())
    fs.writeFileSync(path.join(dir, '.git', 'weft-write.lock'), JSON.stringify({ pid: deadPid }))
    expect(await withWriteLock(dir, async () => 'taken over', 1000)).toBe('taken over')
  })
})
