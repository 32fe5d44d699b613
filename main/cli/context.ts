/**
 * What every CLI command shares: output, a workbench opened on the project
 * given by --project (default: the current folder), and JSON-or-text printing.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { WeftError } from '../../common/errors'
import type { Workbench } from '../workbench'

/** Where the CLI writes; injectable for tests. */
export interface CliIO {
  out: (text: string) => void
  err: (text: string) => void
  cwd: string
  env: NodeJS.ProcessEnv
  /** Standard input, for `weft save … -` (tests pass text). */
  stdin?: () => Promise<string>
  /** The command about to run, by its full name (`eval run`): bin/weft.js keys its code cache by it. */
  onCommand?: (name: string) => void
}

/** Shared by all commands. */
export interface CliContext {
  io: CliIO
  /** Opens the project (must be a ready Weft project), runs fn, closes the workbench. */
  withProject<T>(projectDir: string | undefined, fn: (wb: Workbench) => Promise<T>): Promise<T>
  /** A workbench with no project open (init, serve). */
  workbench(host: 'cli' | 'web', projectDir?: string): Promise<Workbench>
  /** Makes the command exit non-zero after printing its (complete) output, e.g. a pull that stopped on conflicts. */
  setExitCode(code: number): void
}

/** Prints JSON when --json was given, else the text. */
export function print(io: CliIO, json: boolean | undefined, value: unknown, text: () => string): void {
  io.out(json ? `${JSON.stringify(value, null, 2)}\n` : text().replace(/\n?$/, '\n'))
}

/** Adds the options every project command takes. */
export function projectOptions(command: Command): Command {
  return command.option('-p, --project <dir>', 'project folder (default: the current folder)').option('--json', 'print JSON')
}

/** Reads a file argument ('-' is standard input) as UTF-8 text, with a clear error when it is missing. */
export async function readInput(io: CliIO, file: string): Promise<string> {
  if (file === '-') {
    if (!io.stdin) throw new WeftError('INVALID_REQUEST', 'No standard input to read')
    return io.stdin()
  }
  try {
    return await fs.promises.readFile(path.resolve(io.cwd, file), 'utf8')
  } catch (error) {
    throw new WeftError('NOT_FOUND', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}

/** Splits `kind:name` (no selector allowed). */
export function kindAndName(text: string): { kind: string; name: string } {
  const match = /^([a-z]+):([^@]+)$/.exec(text.trim())
  if (!match) throw new WeftError('INVALID_REQUEST', `Expected KIND:NAME (like prompt:summarize), got "${text}"`)
  return { kind: match[1]!, name: match[2]! }
}
