/**
 * The `weft` command. Every command runs the workbench in-process through the
 * same validated contract the app uses; commands that print data accept --json.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import { WeftError, toWeftError } from '../../common/errors'
import { once } from '../../common/once'
import type { ProjectInfo } from '../../common/schemas/project'
import { defaultUserDataDir, packageRoot } from '../paths'
import type { CliContext, CliIO } from './context'
import { registerStoreCommands } from './storeCommands'
import { DEFAULT_INGEST_PORT } from '../server/ingest/ingestServer'
import { registerTraceCommands } from './traceCommands'
import { registerEvalCommands } from './evalCommands'
import { registerRepoCommands } from './repoCommands'
import { registerAnnotateCommands } from './annotateCommands'

/** Default port of `weft serve`; stable so bookmarks and SDK settings keep working. */
export const DEFAULT_PORT = 4141

export type { CliIO } from './context'

// Every module behind the workbench (the contract's zod schemas, isomorphic-git, SQLite, yaml,
// the model SDKs…) loads when a command first needs a workbench, not when the CLI starts: at
// start-up they cost ~0.45 s, which `weft --version` and `--help` need not pay.
const loadWorkbench = once(() => import('../workbench'))

function readVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version as string
  } catch {
    return '0.0.0'
  }
}

function parsePort(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a whole number from 0 to 65535')
  return n
}

function describeProject(p: ProjectInfo): string {
  const lines = [`${p.name}  (${p.dir})`]
  if (p.status === 'needs-init') lines.push(`  not a Weft project yet: ${p.reason ?? ''}`, `  run: weft init ${JSON.stringify(p.dir)}`)
  else lines.push(`  branch ${p.branch ?? '(detached)'} at ${p.head?.slice(0, 7) ?? '(no commits)'}`)
  return lines.join('\n')
}

/** Builds the command tree. `serve` resolves only when the server stops. */
export function buildProgram(io: CliIO, state: { exitCode: number } = { exitCode: 0 }): Command {
  const version = readVersion()
  const userDataDir = defaultUserDataDir(io.env)
  const workbenchFor = async (host: 'cli' | 'web', projectDir?: string) =>
    (await loadWorkbench()).createWorkbench({ userDataDir, projectDir, host, cwd: io.cwd, version })
  const ctx: CliContext = {
    io,
    workbench: workbenchFor,
    setExitCode: (code) => (state.exitCode = code),
    async withProject(projectDir, fn) {
      const wb = await workbenchFor('cli')
      try {
        const { project } = await wb.call('project.open', { dir: projectDir ?? '.' })
        if (project.status !== 'ready') {
          throw new WeftError('NOT_A_PROJECT', `${project.dir} is not a Weft project: ${project.reason ?? ''} Run: weft init ${JSON.stringify(project.dir)}`)
        }
        return await fn(wb)
      } finally {
        await wb.close()
      }
    },
  }

  const program = new Command('weft')
    .description('Weft — a local-first workbench for generative-AI apps: version prompts and datasets, trace, evaluate, annotate.')
    .version(version, '-v, --version')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError('(run weft --help for usage)')
    .hook('preAction', (_program, action) => {
      const names: string[] = []
      for (let c: Command | null = action; c?.parent; c = c.parent) names.unshift(c.name())
      io.onCommand?.(names.join(' '))
    })

  program
    .command('init')
    .description('Create a Weft project in DIR (a git repository with weft.yaml); an existing repository keeps its files.')
    .argument('[dir]', 'project folder', '.')
    .option('--name <name>', 'project name (default: the folder name)')
    .option('--json', 'print the project as JSON')
    .action(async (dir: string, opts: { name?: string; json?: boolean }) => {
      const wb = await workbenchFor('cli')
      const { project } = await wb.call('project.init', { dir, name: opts.name })
      io.out(opts.json ? `${JSON.stringify(project, null, 2)}\n` : `Initialised Weft project "${project.name}" in ${project.dir}\nNext: weft serve --project ${JSON.stringify(project.dir)}\n`)
    })

  program
    .command('clone')
    .description('Clone a shared Weft project from a git remote into DIR; a token (--token or WEFT_GIT_TOKEN) is stored outside the repository.')
    .argument('<url>', 'https URL of the repository')
    .argument('<dir>', 'new folder for the project')
    .option('--token <token>', 'access token (prefer WEFT_GIT_TOKEN: command lines end up in shell history)')
    .option('--json', 'print the project as JSON')
    .action(async (url: string, dir: string, opts: { token?: string; json?: boolean }) => {
      const wb = await workbenchFor('cli')
      try {
        const token = opts.token ?? io.env.WEFT_GIT_TOKEN
        const { project } = await wb.call('project.clone', { url, dir, ...(token ? { token } : {}) })
        io.out(opts.json ? `${JSON.stringify(project, null, 2)}\n` : `Cloned "${project.name}" into ${project.dir}\n`)
      } finally {
        await wb.close()
      }
    })

  program
    .command('status')
    .description('Show the project in DIR: name, branch, HEAD, and whether it needs initialising.')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--json', 'print as JSON')
    .action(async (opts: { project: string; json?: boolean }) => {
      const wb = await workbenchFor('cli')
      const { project } = await wb.call('project.open', { dir: opts.project })
      const { objects } = project.status === 'ready' ? await wb.call('objects.list', {}) : { objects: [] }
      if (opts.json) return io.out(`${JSON.stringify({ project, objects }, null, 2)}\n`)
      io.out(`${describeProject(project)}\n`)
      for (const o of objects) io.out(`  ${o.kind.padEnd(10)} ${o.name}  (${o.path})\n`)
    })

  program
    .command('call')
    .description('Call any workbench API operation in-process with a JSON request; prints the JSON response.')
    .argument('[operation]', 'operation name (omit to list them)')
    .argument('[request]', 'JSON request body', '{}')
    .option('-p, --project <dir>', 'open this project first')
    .action(async (name: string | undefined, requestText: string, opts: { project?: string }) => {
      const { OPERATION_NAMES, isOperationName, operations } = await import('../../common/contract')
      if (!name) {
        for (const op of OPERATION_NAMES) io.out(`${op.padEnd(22)} ${operations[op].summary}\n`)
        return
      }
      if (!isOperationName(name)) throw new WeftError('UNKNOWN_OPERATION', `Unknown operation "${name}"; run weft call to list them`)
      let request: unknown
      try {
        request = JSON.parse(requestText)
      } catch (error) {
        throw new WeftError('INVALID_REQUEST', `The request is not valid JSON: ${(error as Error).message}`)
      }
      const wb = await workbenchFor('cli', opts.project)
      if (opts.project) await wb.openInitial()
      io.out(`${JSON.stringify(await wb.callRaw(name, request), null, 2)}\n`)
    })

  program
    .command('serve')
    .description('Run Weft in the browser (web mode) on 127.0.0.1; prints the URL with its session token.')
    .option('-p, --project <dir>', 'project folder to open (default: the last one, else the sample project)')
    .option('--port <n>', `port (0 = any free port; env WEFT_PORT)`, parsePort, io.env.WEFT_PORT ? parsePort(io.env.WEFT_PORT) : DEFAULT_PORT)
    .option('--host <host>', 'address to bind; anything but loopback exposes your projects to the network', '127.0.0.1')
    .option('--ingest-port <n>', `port apps send traces to (0 = any free port; env WEFT_INGEST_PORT; default ${DEFAULT_INGEST_PORT})`, parsePort)
    .option('--no-ingest', 'do not receive traces')
    .action(async (opts: { project?: string; port: number; host: string; ingestPort?: number; ingest: boolean }) => {
      // Only `serve` needs the web server (ws) and the ingest doors: imported here, not at start-up.
      const [{ startWebServer }, { ingestPortFromEnv, startWorkbenchIngest }] = await Promise.all([import('../server/webServer'), import('../server/ingest/start')])
      const wb = await workbenchFor('web', opts.project)
      const project = await wb.openInitial({ fallbackToSample: true })
      const rendererDir = path.join(packageRoot(), 'out', 'renderer')
      if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
        throw new WeftError('NOT_FOUND', `The app is not built (${rendererDir} is missing). Run: npm run build`)
      }
      if (!['127.0.0.1', 'localhost', '::1'].includes(opts.host)) {
        io.err(`warning: binding ${opts.host} makes Weft reachable from other machines; the session token is the only protection.\n`)
      }
      // Both servers start together: the ingest worker's start-up need not delay the app.
      const [web, started] = await Promise.all([
        startWebServer({ workbench: wb, rendererDir, port: opts.port, host: opts.host, uploadDir: path.join(userDataDir, 'uploads') }).then(
          (value) => ({ value, error: null }),
          (error: unknown) => ({ value: null, error }),
        ),
        opts.ingest ? startWorkbenchIngest(wb, { port: opts.ingestPort ?? ingestPortFromEnv(io.env) }) : null,
      ])
      if (!web.value) {
        // Without the app there is nothing to serve: stop the ingest worker too, or it would keep the process alive.
        await started?.server?.close()
        await wb.close()
        throw web.error
      }
      const server = web.value
      // Ingest always binds loopback: apps on this machine send spans, nothing else should.
      const ingest = started?.server ?? null
      if (!opts.ingest) wb.ingest.setStatus({ url: null, error: 'Receiving traces is turned off (weft serve --no-ingest)' })
      if (project) io.out(`Project: ${project.name} (${project.dir})\n`)
      if (ingest) io.out(`Receiving traces at ${ingest.url} (token: weft token)\n`)
      else if (started?.error) io.err(`warning: not receiving traces: ${started.error}\n`)
      io.out(`Weft is running at ${server.loginUrl}\n`)
      io.out('Press Ctrl+C to stop.\n')
      await new Promise<void>((resolve) => {
        const stop = () => {
          void Promise.all([server.close(), ingest?.close()]).then(() => wb.close()).then(resolve)
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
    })

  registerStoreCommands(program, ctx)
  registerRepoCommands(program, ctx)
  registerTraceCommands(program, ctx)
  registerEvalCommands(program, ctx)
  registerAnnotateCommands(program, ctx)
  return program
}

/** Runs the CLI; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const state = { exitCode: 0 }
  const program = buildProgram(io, state)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return state.exitCode
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0
    if (typeof code === 'string' && code.startsWith('commander.')) return 2
    const weft = toWeftError(error)
    io.err(`weft: ${weft.message}\n`)
    if (weft.issues) {
      const { describeIssues } = await import('../../common/dispatch')
      if (!weft.message.includes(describeIssues(weft.issues))) io.err(`  ${describeIssues(weft.issues)}\n`)
    }
    return 1
  }
}
