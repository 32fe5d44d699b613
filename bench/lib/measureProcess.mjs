/**
 * Runs a command as a child process and measures it whole: wall time from
 * spawn to exit, and peak resident memory. Peak RSS comes from GNU time's
 * `%M` (the kernel's ru_maxrss, exact) when /usr/bin/time exists; otherwise
 * from polling /proc/PID/status (VmHWM) every 50 ms, which can miss growth in
 * the last moments before exit.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

const GNU_TIME = '/usr/bin/time'

function readHwmBytes(pid) {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb ? Number(kb) * 1024 : 0
  } catch {
    return 0 // already gone
  }
}

/**
 * Resolves with `{ code, wallMs, peakRssBytes, stdout, stderr }`; never rejects
 * on a non-zero exit (the caller decides what that means).
 */
export function measureProcess(command, args, { cwd, env } = {}) {
  const useTime = fs.existsSync(GNU_TIME)
  const timeFile = path.join(os.tmpdir(), `weft-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`)
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]] : [command, args]
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c))
    let polledPeak = 0
    const poller = useTime ? null : setInterval(() => (polledPeak = Math.max(polledPeak, readHwmBytes(child.pid))), 50)
    child.once('error', reject)
    let wallMs = 0
    child.once('exit', () => {
      wallMs = performance.now() - started
      if (poller) clearInterval(poller)
    })
    // 'close' comes after the output is read to the end.
    child.once('close', (code, signal) => {
      let peakRssBytes = polledPeak
      if (useTime) {
        // GNU time writes "Command exited with non-zero status N" before the figure on a failure.
        const lines = fs.readFileSync(timeFile, 'utf8').trim().split('\n')
        peakRssBytes = Number(lines.at(-1)) * 1024
        fs.rmSync(timeFile, { force: true })
      }
      resolve({ code: code ?? (signal ? 128 : 1), wallMs, peakRssBytes, stdout, stderr })
    })
  })
}
