/** For CLI tests: runs `weft` in-process in a folder, capturing what it prints. */
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
