/**
 * `weft annotate` (issue 10): the annotation queues with their progress,
 * agreement between annotators, export of the annotations, and write-back of
 * the labels into a dataset as one new version.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import type { RequestOf } from '../../common/contract'
import { WeftError } from '../../common/errors'
import { print, projectOptions, type CliContext } from './context'

type Opts = { project?: string; json?: boolean }

const num = (x: number | null, digits = 3) => (x === null ? '—' : x.toFixed(digits))
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`)
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** `--resolve latest|majority|ANNOTATOR` as the operation takes it. */
export function parseResolve(text: string): RequestOf<'annotations.writeBack'>['resolve'] {
  const trimmed = text.trim()
  if (!trimmed) throw new WeftError('INVALID_REQUEST', '--resolve takes latest, majority or an annotator\'s name')
  return trimmed === 'latest' || trimmed === 'majority' ? trimmed : { annotator: trimmed }
}

/** Adds `weft annotate`. */
export function registerAnnotateCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx
  const annotate = program.command('annotate').description('Annotation queues (queues/*.yaml): progress, agreement, export, write-back.')

  projectOptions(annotate.command('list').description('The queues with their source, items done and complete annotations per annotator.'))
    .action((opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const { queues } = await wb.call('annotations.queues', {})
        print(io, opts.json, { queues }, () =>
          queues
            .map((q) => {
              const source = 'dataset' in q.definition.source ? `dataset ${q.definition.source.dataset}` : 'traces' in q.definition.source ? 'traces' : `evaluation ${q.definition.source.evaluation.name}`
              const who = Object.entries(q.byAnnotator).map(([name, n]) => `${name} ${n}`).join(', ')
              const progress = q.total === null ? `?/? (${q.problem ?? 'source unreadable'})` : `${q.done}/${q.total} done`
              return `${q.name.padEnd(20)} ${source.padEnd(24)} ${progress}${who ? `  · ${who}` : ''}`
            })
            .join('\n') || '(no annotation queues: add one in queues/NAME.yaml)',
        )
      }),
    )

  projectOptions(annotate.command('agreement').description("Agreement between annotators per field: percent agreement, Krippendorff's alpha, Cohen's kappa per pair."))
    .argument('<queue>', 'the queue (queues/QUEUE.yaml)')
    .action((queue: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = await wb.call('annotations.agreement', { queue })
        print(io, opts.json, result, () =>
          [
            `${queue}: ${plural(result.annotators.length, 'annotator')} (${result.annotators.join(', ') || 'none'}), ${plural(result.items, 'item')} annotated by two or more`,
            'field                type          items  agreement   alpha',
            ...result.fields.map((f) => `${f.field.padEnd(20)} ${f.type.padEnd(12)} ${String(f.items).padStart(6)}  ${pct(f.percentAgreement).padStart(9)}  ${num(f.alpha).padStart(6)}`),
            ...result.fields.flatMap((f) => f.pairs.map((p) => `  ${f.field}: ${p.a} × ${p.b}  ${p.items} items, ${pct(p.agreement)} agree${p.kappa === null ? '' : `, kappa ${num(p.kappa)}`}`)),
          ].join('\n'),
        )
      }),
    )

  projectOptions(annotate.command('export').description("A queue's annotations as JSONL (one per line) or CSV (one column per field)."))
    .argument('<queue>', 'the queue')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('-o, --output <file>', 'write to FILE (a folder: the suggested name inside it) instead of standard output')
    .action((queue: string, opts: Opts & { format: string; output?: string }) =>
      ctx.withProject(opts.project, async (wb) => {
        if (opts.format !== 'jsonl' && opts.format !== 'csv') throw new WeftError('INVALID_REQUEST', `--format takes jsonl or csv, not "${opts.format}"`)
        const file = await wb.call('annotations.export', { queue, format: opts.format })
        if (!opts.output) return void io.out(file.content)
        let target = path.resolve(io.cwd, opts.output)
        const isFolder = /[/\\]$/.test(opts.output) || (await fs.promises.stat(target).catch(() => null))?.isDirectory()
        if (isFolder) target = path.join(target, file.filename)
        await fs.promises.mkdir(path.dirname(target), { recursive: true })
        await fs.promises.writeFile(target, file.content)
        print(io, opts.json, { file: target, filename: file.filename, count: file.count }, () => `${file.count} annotations of ${queue} written to ${path.relative(io.cwd, target) || target}`)
      }),
    )

  projectOptions(annotate.command('write-back').description("Writes a queue's labels (and corrected expected answers) into a dataset as one new version."))
    .argument('<queue>', 'the queue')
    .option('--dataset <name>', "the dataset to write to (default: the queue's writeBack.dataset, or its source dataset)")
    .option('--resolve <how>', 'latest (the newest complete annotation), majority (per field), or an annotator\'s name', 'latest')
    .option('-m, --message <text>', 'the commit message (default: "Labels from queue QUEUE")')
    .action((queue: string, opts: Opts & { dataset?: string; resolve: string; message?: string }) =>
      ctx.withProject(opts.project, async (wb) => {
        const result = await wb.call('annotations.writeBack', {
          queue, resolve: parseResolve(opts.resolve), ...(opts.dataset ? { dataset: opts.dataset } : {}), ...(opts.message ? { message: opts.message } : {}),
        })
        const { updated, added, unchanged } = result.rows
        print(io, opts.json, result, () =>
          result.commit
            ? `dataset:${result.dataset} v${result.version.n} (${result.commit.slice(0, 7)}): ${updated} rows updated, ${added} added, ${unchanged} unchanged`
            : `Nothing to write: dataset:${result.dataset} v${result.version.n} already holds these labels (${unchanged} rows unchanged); no commit made`,
        )
      }),
    )
}
