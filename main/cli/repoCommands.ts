/**
 * CLI commands for diffs, dataset import/export, branches, remotes, pull,
 * push and maintenance — thin calls of the workbench API.
 */
import type { Command } from 'commander'
import type { ObjectDiff, TextDiff } from '../../common/schemas/diff'
import type { DiffLabels } from '../store/diff'
import { print, projectOptions, type CliContext } from './context'

type Opts = { project?: string; json?: boolean }

/** Text for a diff: unified text for prompts and configs, row counts and changed fields for datasets. */
function describeDiff(diff: ObjectDiff, from: string, to: string, formatUnifiedDiff: (diff: TextDiff, labels: DiffLabels) => string): string {
  if (diff.kind === 'dataset') {
    const lines = [`${from} → ${to}: ${diff.stats.added} added, ${diff.stats.removed} removed, ${diff.stats.changed} changed, ${diff.unchanged} unchanged`]
    for (const row of diff.added) lines.push(`+ ${String(row.id)}`)
    for (const row of diff.removed) lines.push(`- ${String(row.id)}`)
    for (const row of diff.changed) lines.push(`~ ${row.id}: ${row.fields.map((f) => f.path).join(', ')}`)
    return lines.join('\n')
  }
  const text = formatUnifiedDiff(diff.text, { before: from, after: to })
  const fields = diff.kind === 'prompt' ? diff.frontMatter : diff.fields
  const summary = fields.length ? `\nfields: ${fields.map((f) => `${f.path} (${f.change})`).join(', ')}` : ''
  return (text || `${from} and ${to} are identical`) + summary
}

/** Adds the repository commands to the program. */
export function registerRepoCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx

  projectOptions(program.command('diff').description('Diff two versions, or a version and the file on disk (one REF).'))
    .argument('<from>', 'reference, e.g. prompt:summarize@production')
    .argument('[to]', 'reference; omitted: the file on disk now')
    .option('--limit <n>', 'datasets: list at most N rows of each kind', (v) => Number(v))
    .action((from: string, to: string | undefined, opts: Opts & { limit?: number }) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = (await wb.callRaw('objects.diff', { from, ...(to ? { to } : {}), ...(opts.limit ? { limit: opts.limit } : {}) })) as {
          from: { ref: string }
          to: { ref: string } | null
          diff: ObjectDiff
        }
        // Imported here, not at the top: the CLI loads only what the command it runs needs.
        const { formatUnifiedDiff } = await import('../store/diff')
        print(io, opts.json, result, () => describeDiff(result.diff, result.from.ref, result.to?.ref ?? 'working copy', formatUnifiedDiff))
      }),
    )

  const importCmd = program.command('import').description('Import data into the project.')
  projectOptions(importCmd.command('dataset').description('Import a CSV, JSONL or JSON file as a new version of dataset NAME (streamed; a bad record fails the whole import).'))
    .argument('<name>', 'dataset name')
    .argument('<file>', 'file to import')
    .option('--format <format>', 'csv, jsonl or json (default: from the file)')
    .option('--map <target=source...>', 'keep and rename columns; dotted targets nest (expected.answer=answer)')
    .option('--id-column <column>', 'column whose values are the row ids (default: id)')
    .option('--delimiter <char>', 'CSV delimiter (default: detected)')
    .option('--typed', 'CSV: turn numeric and true/false cells into numbers and booleans')
    .option('-m, --message <message>', 'commit message')
    .option('--preview', 'only show the columns and first rows')
    .action((name: string, file: string, opts: Opts & { format?: string; map?: string[]; idColumn?: string; delimiter?: string; typed?: boolean; message?: string; preview?: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        const source = { file, ...(opts.format ? { format: opts.format } : {}), ...(opts.delimiter ? { delimiter: opts.delimiter } : {}), ...(opts.typed ? { dynamicTyping: true } : {}) }
        if (opts.preview) {
          const preview = (await wb.callRaw('datasets.previewImport', source)) as { format: string; columns: string[]; rows: unknown[]; errors: Array<{ line?: number; message: string }> }
          return print(io, opts.json, preview, () =>
            [`${preview.format}: columns ${preview.columns.join(', ')}`, ...preview.rows.map((r) => JSON.stringify(r)), ...preview.errors.map((e) => `line ${e.line ?? '?'}: ${e.message}`)].join('\n'),
          )
        }
        const mapping = opts.map ? Object.fromEntries(opts.map.map((pair) => [pair.split('=')[0]!, pair.split('=').slice(1).join('=') || pair.split('=')[0]!])) : undefined
        const result = (await wb.callRaw('datasets.import', { ...source, name, mapping, idColumn: opts.idColumn, message: opts.message })) as {
          created: boolean
          rows: number
          version: { n: number }
        }
        print(io, opts.json, result, () => (result.created ? `Imported ${result.rows} rows as dataset:${name} v${result.version.n}` : `dataset:${name} is unchanged (v${result.version.n})`))
      }),
    )

  projectOptions(importCmd.command('weave').description('Import a dataset the W&B Weave SDK saved into this project (Dataset.save()) as a new version of a Weft dataset; without NAME, list them.'))
    .argument('[name]', 'the Weave dataset name')
    .option('--digest <digest>', 'a Weave version digest (default: the latest)')
    .option('--as <dataset>', 'the Weft dataset to save into (default: the same name)')
    .option('-m, --message <message>', 'commit message')
    .action((name: string | undefined, opts: Opts & { digest?: string; as?: string; message?: string }) =>
      ctx.withProject(opts.project, async (wb) => {
        if (!name) {
          const { datasets } = await wb.call('weave.datasets', {})
          return print(io, opts.json, { datasets }, () =>
            datasets.map((d) => `${d.name.padEnd(24)} v${d.versionIndex}  ${String(d.rowCount).padStart(6)} rows  ${d.digest.slice(0, 12)}  (${d.projectId})`).join('\n') || '(no Weave datasets in this project)',
          )
        }
        const target = opts.as ?? name
        const result = await wb.call('weave.importDataset', { name, as: target, ...(opts.digest ? { digest: opts.digest } : {}), ...(opts.message ? { message: opts.message } : {}) })
        print(io, opts.json, result, () => (result.created ? `Imported ${result.rows} rows as dataset:${target} v${result.version.n}` : `dataset:${target} is unchanged (v${result.version.n})`))
      }),
    )

  projectOptions(program.command('export').description('Write a dataset version to a file: CSV, JSONL or JSON (from the extension, or --format).'))
    .argument('<ref>', 'dataset reference, e.g. dataset:tickets@v3')
    .argument('<file>', 'output file')
    .option('--format <format>', 'csv, jsonl or json')
    .action((ref: string, file: string, opts: Opts & { format?: string }) =>
      ctx.withProject(opts.project, async (wb) => {
        const format = opts.format ?? (/\.(csv|jsonl|json)$/i.exec(file)?.[1]?.toLowerCase() ?? 'jsonl')
        const result = (await wb.callRaw('datasets.export', { ref, file, format })) as { file: string; rows: number }
        print(io, opts.json, result, () => `Wrote ${result.rows} rows to ${result.file}`)
      }),
    )

  const branch = program.command('branch').description('List, create, switch and delete branches.')
  projectOptions(branch.command('list', { isDefault: true }).description('List branches (* marks the current one).')).action((opts: Opts) =>
    ctx.withProject(opts.project, async (wb) => {
      const result = (await wb.callRaw('branches.list', {})) as { branches: Array<{ name: string; head: string; isCurrent: boolean; ahead?: number; behind?: number; upstream?: string }> }
      print(io, opts.json, result, () =>
        result.branches
          .map((b) => `${b.isCurrent ? '*' : ' '} ${b.name.padEnd(24)} ${b.head.slice(0, 7)}${b.upstream ? `  ${b.upstream} +${b.ahead ?? 0}/-${b.behind ?? 0}` : ''}`)
          .join('\n'),
      )
    }),
  )
  projectOptions(branch.command('create').description('Create a branch from HEAD (or --from), and switch to it with --switch.'))
    .argument('<name>', 'branch name')
    .option('--from <ref>', 'branch or commit to start from')
    .option('--switch', 'switch to the new branch')
    .action((name: string, opts: Opts & { from?: string; switch?: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = await wb.callRaw('branches.create', { name, from: opts.from, checkout: opts.switch })
        print(io, opts.json, result, () => `Created branch ${name}${opts.switch ? ' and switched to it' : ''}`)
      }),
    )
  projectOptions(branch.command('switch').description('Switch to a branch (refuses when it would overwrite unsaved work).'))
    .argument('<name>', 'branch name')
    .action((name: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = await wb.callRaw('branches.switch', { name })
        print(io, opts.json, result, () => `Switched to ${name}`)
      }),
    )
  projectOptions(branch.command('delete').description('Delete a branch (--force for one with unmerged commits).'))
    .argument('<name>', 'branch name')
    .option('--force', 'delete even with unmerged commits')
    .action((name: string, opts: Opts & { force?: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = await wb.callRaw('branches.delete', { name, force: opts.force })
        print(io, opts.json, result, () => `Deleted branch ${name}`)
      }),
    )

  const remote = program.command('remote').description('Manage git remotes (tokens are kept outside the repository).')
  projectOptions(remote.command('list', { isDefault: true }).description('List remotes.')).action((opts: Opts) =>
    ctx.withProject(opts.project, async (wb) => {
      const result = (await wb.callRaw('remotes.list', {})) as { remotes: Array<{ name: string; url: string; hasToken?: boolean }> }
      print(io, opts.json, result, () => result.remotes.map((r) => `${r.name.padEnd(12)} ${r.url}${r.hasToken ? '  (token stored)' : ''}`).join('\n') || '(no remotes)')
    }),
  )
  projectOptions(remote.command('add').description('Add a remote; a token (--token, WEFT_GIT_TOKEN, or in the URL) is stored outside the repository.'))
    .argument('<name>', 'remote name, e.g. origin')
    .argument('<url>', 'https URL of the repository')
    .option('--token <token>', 'access token for the remote (prefer WEFT_GIT_TOKEN: command lines end up in shell history)')
    .action((name: string, url: string, opts: Opts & { token?: string }) =>
      ctx.withProject(opts.project, async (wb) => {
        const token = opts.token ?? io.env.WEFT_GIT_TOKEN
        const result = await wb.callRaw('remotes.add', { name, url, ...(token ? { token } : {}) })
        print(io, opts.json, result, () => `Added remote ${name}`)
      }),
    )
  projectOptions(remote.command('remove').description('Remove a remote.'))
    .argument('<name>', 'remote name')
    .action((name: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = await wb.callRaw('remotes.remove', { name })
        print(io, opts.json, result, () => `Removed remote ${name}`)
      }),
    )

  projectOptions(program.command('pull').description('Pull from a remote: fast-forward or merge; on a conflict nothing changes and both sides are listed.'))
    .argument('[remote]', 'remote name', 'origin')
    .argument('[branch]', 'remote branch (default: the upstream, else the current branch)')
    .action((remoteName: string, branchName: string | undefined, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = (await wb.callRaw('sync.pull', { remote: remoteName, ...(branchName ? { branch: branchName } : {}) })) as {
          status: string
          head: string | null
          files?: Array<{ path: string; kind: string }>
        }
        print(io, opts.json, result, () =>
          result.status === 'conflict'
            ? [`Pull stopped: ${result.files!.length} file(s) changed on both sides. Nothing in your project changed.`, ...result.files!.map((f) => `  ${f.path} (${f.kind})`)].join('\n')
            : `${result.status}${result.head ? ` at ${result.head.slice(0, 7)}` : ''}`,
        )
        if (result.status === 'conflict') ctx.setExitCode(1)
      }),
    )

  projectOptions(program.command('push').description('Push the current branch to a remote.'))
    .argument('[remote]', 'remote name', 'origin')
    .argument('[branch]', 'branch to push (default: the current one)')
    .action((remoteName: string, branchName: string | undefined, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = (await wb.callRaw('sync.push', { remote: remoteName, ...(branchName ? { branch: branchName } : {}) })) as { status: string; head: string }
        print(io, opts.json, result, () => `${result.status} ${result.head.slice(0, 7)}`)
      }),
    )

  projectOptions(program.command('maintain').description('Pack loose git objects so the repository stays small (git gc when installed).'))
    .option('--no-git-cli', 'do not use the git CLI even when it is installed')
    .action((opts: Opts & { gitCli?: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        const r = (await wb.callRaw('repo.maintain', { useGitCli: opts.gitCli !== false })) as { method: string; before: { looseObjects: number; bytes: number }; after: { looseObjects: number; bytes: number } }
        const kb = (b: number) => `${Math.round(b / 1024)} KiB`
        print(io, opts.json, r, () => `${r.method}: ${r.before.looseObjects} loose objects (${kb(r.before.bytes)}) → ${r.after.looseObjects} (${kb(r.after.bytes)})`)
      }),
    )
}
