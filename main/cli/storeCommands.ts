/**
 * CLI commands of the object store: list, save, get, versions, resolve,
 * label, labels, restore, rename, delete. Each is a thin call of the
 * workbench API, so the CLI behaves exactly like the app.
 */
import type { Command } from 'commander'
import { WeftError } from '../../common/errors'
import type { ObjectKind } from '../../common/schemas/project'
import { kindAndName, print, projectOptions, readInput, type CliContext } from './context'

type Opts = { project?: string; json?: boolean }

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')

/** `--var key=value` pairs as variables; a value that is valid JSON is parsed, else it is text. */
function parseVars(pairs: readonly string[] = []): Record<string, unknown> {
  const variables: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq < 1) throw new WeftError('INVALID_REQUEST', `--var takes key=value, got "${pair}"`)
    const raw = pair.slice(eq + 1)
    try {
      variables[pair.slice(0, eq)] = JSON.parse(raw)
    } catch {
      variables[pair.slice(0, eq)] = raw
    }
  }
  return variables
}

/** Adds the store commands to the program. */
export function registerStoreCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx

  projectOptions(program.command('list').description('List objects (all kinds, or one: prompt, dataset, model, scorer, evaluation) with their current version and labels.'))
    .argument('[kind]', 'object kind')
    .action((kind: string | undefined, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const { objects } = await wb.callRaw('objects.list', kind ? { kind } : {}) as { objects: Array<{ kind: string; name: string; version: { n: number | null } | null; modified: boolean; labels: Record<string, number | null> }> }
        print(io, opts.json, { objects }, () =>
          objects
            .map((o) => {
              const labels = Object.entries(o.labels).map(([l, n]) => `${l}=v${n ?? '?'}`).join(' ')
              const state = o.version ? `v${o.version.n ?? '?'}` : 'unsaved'
              return `${`${o.kind}:${o.name}`.padEnd(32)} ${state.padEnd(8)}${o.modified && o.version ? ' (changed on disk)' : ''}${labels ? `  ${labels}` : ''}`
            })
            .join('\n') || '(no objects)',
        )
      }),
    )

  projectOptions(program.command('save').description('Save FILE (or - for standard input) as a new version of KIND:NAME.'))
    .argument('<object>', 'KIND:NAME, e.g. prompt:summarize')
    .argument('<file>', 'file to save, or - for standard input')
    .option('-m, --message <message>', 'commit message')
    .option('--base <digest>', 'refuse to save unless this is still the current version')
    .action((object: string, file: string, opts: Opts & { message?: string; base?: string }) =>
      ctx.withProject(opts.project, async (wb) => {
        const { kind, name } = kindAndName(object)
        const content = await readInput(io, file)
        const result = (await wb.callRaw('objects.save', { kind, name, content, message: opts.message, baseVersion: opts.base })) as {
          created: boolean
          version: { n: number; digest: string }
        }
        print(io, opts.json, result, () =>
          result.created ? `Saved ${kind}:${name} v${result.version.n} (${result.version.digest.slice(0, 7)})` : `${kind}:${name} is unchanged (v${result.version.n})`,
        )
      }),
    )

  projectOptions(program.command('get').description('Print the content of a version: prompt:summarize@production, dataset:tickets@v3, …'))
    .argument('<ref>', 'reference')
    .action((ref: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = (await wb.callRaw('objects.get', { ref })) as { content: string }
        if (opts.json) print(io, true, result, () => '')
        else io.out(result.content)
      }),
    )

  projectOptions(program.command('resolve').description('Resolve a reference to its version number and digest.'))
    .argument('<ref>', 'reference')
    .action((ref: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const r = (await wb.callRaw('refs.resolve', { ref })) as { kind: string; name: string; n: number | null; digest: string; via: string }
        print(io, opts.json, r, () => `${r.kind}:${r.name}@v${r.n ?? '?'}  ${r.digest}  (via ${r.via})`)
      }),
    )

  projectOptions(program.command('versions').description('List the versions of KIND:NAME, newest first, with labels.'))
    .argument('<object>', 'KIND:NAME')
    .action((object: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const { kind, name } = kindAndName(object)
        const { versions } = (await wb.callRaw('objects.versions', { kind, name })) as {
          versions: Array<{ n: number; digest: string; time: string; author: string; message: string; labels: string[]; current: boolean }>
        }
        print(io, opts.json, { versions }, () =>
          versions
            .map((v) => `${v.current ? '*' : ' '} v${String(v.n).padEnd(4)} ${v.digest.slice(0, 7)}  ${when(v.time)}  ${v.author.padEnd(16)} ${v.message.split('\n')[0]}${v.labels.length ? `  [${v.labels.join(', ')}]` : ''}`)
            .join('\n') || `(no versions of ${kind}:${name})`,
        )
      }),
    )

  projectOptions(program.command('render').description('Render a prompt version with variables and print its messages (reports missing and unexpected variables).'))
    .argument('<ref>', 'prompt reference, e.g. prompt:summarize@production')
    .option('--var <key=value...>', 'a variable (value parsed as JSON when it is valid JSON, else taken as text)')
    .action((ref: string, opts: Opts & { var?: string[] }) =>
      ctx.withProject(opts.project, async (wb) => {
        const variables = parseVars(opts.var)
        const result = (await wb.callRaw('prompts.render', { ref, variables })) as {
          messages: Array<{ role: string; content: string }>
          missing: string[]
          unexpected: string[]
        }
        print(io, opts.json, result, () =>
          [
            ...result.messages.map((m) => `── ${m.role} ──\n${m.content}`),
            ...(result.missing.length ? [`missing variables: ${result.missing.join(', ')}`] : []),
            ...(result.unexpected.length ? [`unexpected variables: ${result.unexpected.join(', ')}`] : []),
          ].join('\n'),
        )
      }),
    )

  projectOptions(program.command('run').description('Run a prompt version against a model config and print the output and usage (keys come from the environment).'))
    .argument('<prompt>', 'prompt reference, e.g. prompt:summarize@production')
    .requiredOption('--model <ref>', 'model config reference, e.g. model:fast')
    .option('--var <key=value...>', 'a variable (value parsed as JSON when it is valid JSON, else taken as text)')
    .option('--stream', 'print the output as it arrives')
    .option('--no-cache', 'ask the model even when an identical request is cached')
    .action((ref: string, opts: Opts & { model: string; var?: string[]; stream?: boolean; cache?: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        const runId = `cli-${process.pid}-${Date.now()}`
        const stop = opts.stream && !opts.json ? wb.on('run.delta', (d) => d.runId === runId && io.out(d.text)) : () => {}
        try {
          const result = (await wb.callRaw('models.run', { prompt: ref, model: opts.model, variables: parseVars(opts.var), stream: Boolean(opts.stream), cache: opts.cache !== false, runId })) as {
            response: { output: string; usage: { inputTokens: number; outputTokens: number } | null; costUsd: number | null; latencyMs: number; cached: boolean; error: { code: string; message: string } | null }
          }
          const r = result.response
          if (opts.json) return print(io, true, result, () => '')
          if (!opts.stream) io.out(r.output)
          const usage = r.usage ? `${r.usage.inputTokens} in / ${r.usage.outputTokens} out tokens` : 'tokens unknown'
          const cost = r.costUsd === null ? 'cost unknown' : `$${r.costUsd.toFixed(6)}`
          io.err(`\n${usage} · ${cost} · ${Math.round(r.latencyMs)} ms${r.cached ? ' · cached' : ''}\n`)
          if (r.error) {
            io.err(`weft: the model call failed (${r.error.code}): ${r.error.message}\n`)
            ctx.setExitCode(1)
          }
        } finally {
          stop()
        }
      }),
    )

  projectOptions(program.command('label').description('Point LABEL at the version REF names (moving it), or remove it with --remove.'))
    .argument('<ref>', 'reference, e.g. prompt:summarize@v3')
    .argument('<label>', 'label name, e.g. production')
    .option('--remove', 'remove the label from the object instead')
    .action((ref: string, label: string, opts: Opts & { remove?: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        if (opts.remove) {
          const { kind, name } = kindAndName(ref.split('@')[0]!)
          const result = await wb.callRaw('labels.remove', { kind, name, label })
          return print(io, opts.json, result, () => `Removed ${label} from ${kind}:${name}`)
        }
        const result = (await wb.callRaw('labels.set', { ref, label })) as { resolved: { kind: string; name: string; n: number | null }; commit: string | null }
        const { kind, name, n } = result.resolved
        print(io, opts.json, result, () => (result.commit ? `${kind}:${name}@${label} → v${n ?? '?'}` : `${kind}:${name}@${label} already is v${n ?? '?'}`))
      }),
    )

  projectOptions(program.command('labels').description('Show the history of label moves of KIND:NAME: who, when, from which version to which.'))
    .argument('<object>', 'KIND:NAME')
    .action((object: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const { kind, name } = kindAndName(object)
        const { events } = (await wb.callRaw('labels.history', { kind, name })) as { events: Array<{ at: string; by: string; label: string; fromN: number | null; toN: number | null }> }
        const v = (n: number | null) => (n ? `v${n}` : '—')
        print(io, opts.json, { events }, () => events.map((e) => `${when(e.at)}  ${e.label.padEnd(12)} ${v(e.fromN)} → ${v(e.toN)}  by ${e.by}`).join('\n') || '(no label moves)')
      }),
    )

  projectOptions(program.command('restore').description('Make an old version current again (a new commit).'))
    .argument('<ref>', 'reference, e.g. prompt:summarize@v2')
    .option('-m, --message <message>', 'commit message')
    .action((ref: string, opts: Opts & { message?: string }) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = (await wb.callRaw('objects.restore', { ref, message: opts.message })) as { created: boolean; version: { n: number } }
        print(io, opts.json, result, () => (result.created ? `Restored ${ref} (now current: v${result.version.n})` : `${ref} is already current`))
      }),
    )

  projectOptions(program.command('rename').description('Rename KIND:NAME to NEW_NAME; versions carry over.'))
    .argument('<object>', 'KIND:NAME')
    .argument('<newName>', 'new name')
    .action((object: string, to: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const { kind, name } = kindAndName(object)
        const result = await wb.callRaw('objects.rename', { kind: kind as ObjectKind, from: name, to })
        print(io, opts.json, result, () => `Renamed ${kind}:${name} to ${kind}:${to}`)
      }),
    )

  projectOptions(program.command('delete').description('Delete KIND:NAME from the project; its versions stay readable by reference.'))
    .argument('<object>', 'KIND:NAME')
    .action((object: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const { kind, name } = kindAndName(object)
        const result = await wb.callRaw('objects.delete', { kind, name })
        print(io, opts.json, result, () => `Deleted ${kind}:${name} (history kept)`)
      }),
    )
}
