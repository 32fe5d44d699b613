/** For CLI tests: runs `weft` in-process in a folder, capturing what it prints. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runCli } from './index'

/** What one command printed, and its exit code. */
export interface CliRun {
  code: number
  out: string
  err: string
}

/** Runs `weft ARGV` with `cwd` as the current folder and `WEFT_HOME` at `cwd/home` (or `home` inside `cwd`), plus `env`. */
export async function runWeft(argv: readonly string[], options: { cwd: string; home?: string; stdin?: string; env?: Record<string, string> }): Promise<CliRun> {
  let out = ''
  let err = ''
  const code = await runCli([...argv], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: options.cwd,
    env: { WEFT_HOME: path.join(options.cwd, options.home ?? 'home'), ...options.env },
    stdin: async () => options.stdin ?? '',
  })
  return { code, out, err }
}

/**
 * A CLI test's session: a fresh folder (made by {@link CliSession.open}), `weft(...)`
 * that runs a command there and keeps what it printed in `out` and `err`, and
 * `file` to write an input file and name it.
 */
export interface CliSession {
  readonly root: string
  readonly out: string
  readonly err: string
  open(prefix: string): string
  weft(...argv: string[]): Promise<number>
  file(name: string, text: string): string
}

/** See {@link CliSession}. */
export function cliSession(): CliSession {
  let root = ''
  let last: CliRun = { code: 0, out: '', err: '' }
  return {
    get root() {
      return root
    },
    get out() {
      return last.out
    },
    get err() {
      return last.err
    },
    open(prefix) {
      return (root = fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
    },
    async weft(...argv) {
      last = await runWeft(argv, { cwd: root })
      return last.code
    },
    file(name, text) {
      fs.writeFileSync(path.join(root, name), text)
      return name
    },
  }
}
