/**
 * `weft eval` (issues 8, 9): run a saved evaluation — in a terminal with a
 * progress line — print its summary, and exit non-zero when a threshold
 * fails; list runs, show one, compare two; export a run (bundle, CSV,
 * JUnit) and import a bundle.
 */
import type { Command } from 'commander'
import type { ResponseOf } from '../../common/contract'
import { WeftError } from '../../common/errors'
import fs from 'node:fs'
import path from 'node:path'
import { junitReport } from '../evals/junit'
import { failedThresholds } from '../evals/summary'
import { print, projectOptions, type CliContext } from './context'

type Opts = { project?: string; json?: boolean }
type Run = ResponseOf<'evals.runs'>['runs'][number]
type Summary = ResponseOf<'evals.run'>['summary']

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`)
const num = (x: number | null, digits = 3) => (x === null ? '—' : x.toFixed(digits))

/** The summary as a table: one line per scorer, then latency, tokens, cost and errors. */
export function summaryTable(summary: Summary): string {
  const lines = ['scorer                 mean    pass     95% interval']
  for (const [id, s] of Object.entries(summary.scorers)) {
    lines.push(`${id.padEnd(20)} ${num(s.mean).padStart(6)}  ${pct(s.passRate).padStart(6)}   ${s.low === null ? '' : `${num(s.low, 2)}–${num(s.high, 2)}`}`)
  }
  if (summary.overall) lines.push(`${'overall'.padEnd(20)} ${''.padStart(6)}  ${pct(summary.overall.passRate).padStart(6)}   ${summary.overall.low === null ? '' : `${num(summary.overall.low, 2)}–${num(summary.overall.high, 2)}`}`)
  lines.push('', `rows ${summary.rows} · errors ${summary.errors} · latency p50 ${summary.latencyP50Ms?.toFixed(0) ?? '—'} ms, p95 ${summary.latencyP95Ms?.toFixed(0) ?? '—'} ms · ${summary.tokens} tokens · $${summary.costUsd.toFixed(4)}`)
  return lines.join('\n')
}

const runLine = (r: Run) =>
  `${r.id}  ${r.name.padEnd(16)} ${r.status.padEnd(9)} ${new Date(r.startedMs).toISOString().replace('T', ' ').slice(0, 19)}  ${r.summary ? Object.entries(r.summary.scorers).map(([id, s]) => `${id} ${pct(s.passRate ?? s.mean)}`).join(' ') : ''}`

/**
 * The run to compare with: a run id; `last`, the newest finished run of the
 * evaluation; or a label (`production`) — the newest finished run whose
 * pinned prompt, model or dataset is the version that label marks now.
 */
async function findBaseline(wb: Parameters<Parameters<CliContext['withProject']>[1]>[0], name: string, baseline: string): Promise<string> {
  const runs = (await wb.call('evals.runs', { name, limit: 500 })).runs.filter((r) => r.status === 'finished')
  if (baseline === 'last') {
    if (!runs[0]) throw new WeftError('NOT_FOUND', `No finished run of ${name} to use as the baseline`)
    return runs[0].id
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(baseline)) return baseline
  for (const run of runs) {
    for (const kind of ['prompt', 'model', 'dataset'] as const) {
      const pinned = run.pinned[kind]
      if (!pinned) continue
      const object = pinned.slice(kind.length + 1, pinned.indexOf('@'))
      const labelled = await wb.call('refs.resolve', { ref: `${kind}:${object}@${baseline}` }).catch(() => null)
      if (labelled && pinned.endsWith(`@${labelled.digest}`)) return run.id
    }
  }
  throw new WeftError('NOT_FOUND', `--baseline ${baseline}: not a run id, 'last', or a label on a version that a finished run of ${name} used`)
}

/**
 * An HTTP target's app sends its spans to Weft's ingest server; the step and
 * trajectory scorers read them from the trace database. A CLI run in CI has
 * no app or `weft serve` receiving them, so it listens itself for the run's
 * length — unless another Weft holds the port already (it stores them in the
 * same project, which is just as good).
 */
async function receiveAppSpans(wb: Parameters<Parameters<CliContext['withProject']>[1]>[0], name: string, io: CliContext['io']): Promise<{ close(): Promise<void> } | null> {
  const { content } = await wb.call('objects.get', { ref: `evaluation:${name}` }).catch(() => ({ content: '' }))
  // Most evaluations call a model, not an endpoint: no `http:` key, no second parse of the definition.
  if (!/\bhttp\s*:/.test(content)) return null
  const { parse } = await import('yaml')
  let http: unknown
  try {
    http = (parse(content) as { target?: { http?: unknown } } | null)?.target?.http
  } catch {
    return null // the run itself reports the broken file, with its line
  }
  if (!http) return null
  const { ingestPortFromEnv, startWorkbenchIngest } = await import('../server/ingest/start')
  const started = await startWorkbenchIngest(wb, { port: ingestPortFromEnv(io.env), worker: false })
  if (!started.server) return null // taken: a running Weft receives them
  io.err(`${name}: receiving the app's spans at ${started.server.url} during the run\n`)
  return started.server
}

/** Adds `weft eval`. */
export function registerEvalCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx
  const evalCmd = program.command('eval').description('Run and compare evaluations (evals/*.yaml).')

  projectOptions(evalCmd.command('run').description('Run a saved evaluation with its versions pinned; exits 1 when a threshold fails.'))
    .argument('<name>', 'the evaluation (evals/NAME.yaml)')
    .option('--set <key=value...>', 'override a field of the definition, e.g. concurrency=8 or target.model=model:fast@v2 (repeatable)')
    .option('--concurrency <n>', 'rows in flight', (v) => Number(v))
    .option('--trials <n>', 'runs per row', (v) => Number(v))
    .option('--threshold <rule...>', 'fail below this, e.g. "category>=0.9" (repeatable; overrides the definition)')
    .option('--resume [run]', 'continue a cancelled or killed run (default: the latest one of this evaluation)')
    .option('--baseline <run>', "compare with a run, 'last' (the previous finished run), or a label such as production (the latest run of the version it marks); exits 1 on a regression beyond noise")
    .option('--format <format>', 'table, json or junit', 'table')
    .option('-o, --output <file>', 'write the report to FILE instead of standard output')
    .option('--no-cache', 'call the models even for requests answered before')
    .option('--no-ingest', "for an HTTP target: do not receive the app's spans during the run")
    .action((name: string, opts: Opts & { ingest: boolean; set?: string[]; concurrency?: number; trials?: number; threshold?: string[]; resume?: string | true; baseline?: string; format: string; output?: string; cache: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        if (!['table', 'json', 'junit'].includes(opts.format)) throw new WeftError('INVALID_REQUEST', `--format takes table, json or junit, not "${opts.format}"`)
        for (const [flag, value] of [['--concurrency', opts.concurrency], ['--trials', opts.trials]] as const) {
          if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new WeftError('INVALID_REQUEST', `${flag} takes a whole number of at least 1`)
        }
        const format = opts.json ? 'json' : opts.format
        // The baseline is found before this run exists, so 'last' is never the run itself.
        const baselineId = opts.baseline ? await findBaseline(wb, name, opts.baseline) : undefined
        let resume = opts.resume
        if (resume === true) {
          const unfinished = (await wb.call('evals.runs', { name })).runs.find((r) => r.source === 'weft' && r.importedMs === undefined && (r.status === 'interrupted' || r.status === 'cancelled'))
          if (!unfinished) throw new WeftError('NOT_FOUND', `No interrupted or cancelled run of ${name} to resume`)
          resume = unfinished.id
        }
        const receiver = opts.ingest ? await receiveAppSpans(wb, name, io) : null
        const tty = Boolean(process.stderr.isTTY) && format === 'table'
        const stop = wb.on('progress', (p) => {
          if (!p.taskId.startsWith('eval:')) return
          // The run id goes out first, even without a terminal: after a crash, it is what --resume needs.
          if (p.done === 0 && p.message?.startsWith('run ')) return void io.err(`${name}: ${p.message} (resume with: weft eval run ${name} --resume ${p.taskId.slice(5)})\n`)
          if (!tty) return
          const width = 30
          const filled = p.total ? Math.round((p.done / p.total) * width) : 0
          process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total ?? '?'} ${p.message ?? ''}   `)
        })
        let result: ResponseOf<'evals.run'>
        try {
          result = await wb.call('evals.run', {
            name, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}), ...(opts.trials ? { trials: opts.trials } : {}), ...(resume ? { resume } : {}),
            ...(opts.cache === false ? { cache: false } : {}), ...(opts.set?.length ? { set: opts.set } : {}),
          })
        } finally {
          stop()
          if (tty) process.stderr.write('\n')
          await receiver?.close()
        }
        // Imported here, not at the top: `weft --version` should not load the definitions' parser.
        const { parseThreshold } = await import('../evals/definition')
        const ids = Object.keys(result.summary.scorers)
        const thresholds: Record<string, number> = { ...((result.run.definition.thresholds as Record<string, number> | undefined) ?? {}) }
        for (const text of opts.threshold ?? []) {
          const { scorer, min } = parseThreshold(text, ids)
          thresholds[scorer] = min
        }
        const failed = failedThresholds(result.summary, thresholds)
        const comparison = baselineId ? await wb.call('evals.compare', { baseline: baselineId, candidate: result.run.id }) : null
        const regressed = comparison ? Object.entries(comparison.scorers).filter(([, d]) => d.beyondNoise && d.delta !== null && d.delta < 0).map(([id]) => id) : []
        let report: string
        if (format === 'junit') {
          const { rows } = await wb.call('evals.get', { runId: result.run.id })
          report = junitReport(result.run, rows, result.summary, failed, thresholds)
        } else if (format === 'json') {
          report = `${JSON.stringify({ ...result, failedThresholds: failed, baseline: baselineId ?? null, comparison, regressed }, null, 2)}\n`
        } else {
          report = `${[
            `${result.run.name} · run ${result.run.id} · ${result.run.status}`,
            summaryTable(result.summary),
            ...failed.map((f) => `THRESHOLD FAILED: ${f}`),
            ...(comparison ? [`against ${baselineId}: ${comparison.regressions.length} rows regressed, ${comparison.improvements.length} improved`] : []),
            ...regressed.map((id) => `REGRESSION: ${id} ${comparison!.scorers[id]!.baseline} → ${comparison!.scorers[id]!.candidate} (beyond noise)`),
          ].join('\n')}\n`
        }
        if (opts.output) {
          await fs.promises.writeFile(path.resolve(io.cwd, opts.output), report)
          io.out(`${result.run.name} · run ${result.run.id} · ${result.run.status}; report written to ${opts.output}\n`)
        } else io.out(report)
        if (failed.length > 0 || regressed.length > 0 || result.run.status !== 'finished') ctx.setExitCode(1)
      }),
    )

  projectOptions(evalCmd.command('list').description('Evaluation runs, newest first.'))
    .argument('[name]', 'only runs of this evaluation')
    .action((name: string | undefined, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const { runs } = await wb.call('evals.runs', name ? { name } : {})
        print(io, opts.json, { runs }, () => runs.map(runLine).join('\n') || '(no runs yet)')
      }),
    )

  projectOptions(evalCmd.command('show').description('One run: pinned versions, summary, and the rows that failed or errored.'))
    .argument('<run>', 'run id')
    .action((runId: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const view = await wb.call('evals.get', { runId })
        print(io, opts.json, view, () => {
          const bad = view.rows.filter((r) => r.error || Object.values(r.scores).some((s) => s && s.pass === false))
          return [
            runLine(view.run),
            ...Object.entries(view.run.pinned).map(([k, v]) => `  ${k.padEnd(11)} ${v}`),
            '',
            view.run.summary ? summaryTable(view.run.summary) : '(no summary: the run did not finish)',
            '',
            ...bad.slice(0, 50).map((r) => `  ${r.rowId}${r.trial ? `#${r.trial}` : ''}: ${r.error ?? Object.entries(r.scores).filter(([, s]) => s && s.pass === false).map(([id]) => `${id} failed`).join(', ')}`),
          ].join('\n')
        })
      }),
    )

  projectOptions(evalCmd.command('compare').description('Runs row by row against the first (the baseline): per-scorer deltas, regressions, improvements, changed outputs.'))
    .argument('<baseline>', 'run id')
    .argument('<candidates...>', 'one or more run ids')
    .action((baseline: string, candidates: string[], opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        if (candidates.includes(baseline)) throw new WeftError('INVALID_REQUEST', 'Compare the baseline with other runs, not with itself')
        const comparisons: Array<ResponseOf<'evals.compare'> & { candidate: string }> = []
        for (const candidate of candidates) comparisons.push({ candidate, ...(await wb.call('evals.compare', { baseline, candidate })) })
        // One candidate: the comparison itself (as before); several: one per candidate.
        const json = comparisons.length === 1 ? comparisons[0] : { baseline, comparisons }
        print(io, opts.json, json, () =>
          comparisons
            .map((c) =>
              [
                ...(comparisons.length > 1 ? [`${baseline} → ${c.candidate}`] : []),
                ...Object.entries(c.scorers).map(([id, d]) => `${id.padEnd(20)} ${num(d.baseline)} → ${num(d.candidate)}  ${d.delta === null ? '' : `${d.delta >= 0 ? '+' : ''}${d.delta.toFixed(3)}`}${d.beyondNoise ? '  beyond noise' : ''}`),
                '',
                `${c.regressions.length} regressions, ${c.improvements.length} improvements, ${c.changedOutputs.length} outputs changed`,
                ...c.regressions.slice(0, 30).map((r) => `  − ${r.rowId} ${r.scorer} ${r.from} → ${r.to}`),
              ].join('\n'),
            )
            .join('\n\n'),
        )
        if (comparisons.some((c) => c.regressions.length > 0)) ctx.setExitCode(1)
      }),
    )

  projectOptions(evalCmd.command('export').description('A run as a file: a bundle (JSON that weft eval import reads on another machine), CSV, or JUnit XML.'))
    .argument('<run>', 'run id')
    .option('--format <format>', 'bundle, csv or junit', 'bundle')
    .option('-o, --output <file>', 'write to FILE (a folder: the suggested name inside it) instead of standard output')
    .option('--no-traces', "bundle: leave the rows' trace spans out")
    .action((runId: string, opts: Opts & { format: string; output?: string; traces: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        if (!['bundle', 'csv', 'junit'].includes(opts.format)) throw new WeftError('INVALID_REQUEST', `--format takes bundle, csv or junit, not "${opts.format}"`)
        const file = await wb.call('evals.export', { runId, format: opts.format as 'bundle', traces: opts.traces })
        if (!opts.output) return void io.out(file.content)
        let target = path.resolve(io.cwd, opts.output)
        const isFolder = /[/\\]$/.test(opts.output) || (await fs.promises.stat(target).catch(() => null))?.isDirectory()
        if (isFolder) target = path.join(target, file.filename)
        await fs.promises.mkdir(path.dirname(target), { recursive: true })
        await fs.promises.writeFile(target, file.content)
        print(io, opts.json, { file: target, filename: file.filename, mediaType: file.mediaType, bytes: Buffer.byteLength(file.content) }, () => `run ${runId} written to ${path.relative(io.cwd, target) || target}`)
      }),
    )

  projectOptions(evalCmd.command('import').description('Adds a run from a bundle (weft eval export) to this project; the same bundle twice changes nothing.'))
    .argument('<file>', 'the bundle (.weft-run.json)')
    .action((file: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        const full = path.resolve(io.cwd, file)
        const stat = await fs.promises.stat(full).catch(() => null)
        if (!stat?.isFile()) throw new WeftError('NOT_FOUND', `No file ${file}`)
        // The operation counts characters; a file this many bytes cannot be under its limit in any encoding.
        const { MAX_BUNDLE_CHARS } = await import('../../common/schemas/evals')
        if (stat.size > MAX_BUNDLE_CHARS * 4) throw new WeftError('INVALID_FILE', `${file} is too large for a run bundle (${Math.ceil(stat.size / 1024 / 1024)} MB)`)
        const content = await fs.promises.readFile(full, 'utf8')
        const result = await wb.call('evals.import', { content }).catch((error: unknown) => {
          // The operation's field paths are the bundle's: say which file they are in.
          if (error instanceof WeftError && (error.code === 'INVALID_FILE' || error.code === 'INVALID_REQUEST')) throw new WeftError(error.code, `${file}: ${error.message}`, error.issues?.map((i) => ({ ...i, file })))
          throw error
        })
        print(io, opts.json, result, () =>
          result.imported
            ? `imported run ${result.run.id} (${result.run.name}): ${result.rows} rows, ${result.spans} spans, ${result.objects} pinned versions`
            : `run ${result.run.id} (${result.run.name}) is already here, identical; nothing changed`,
        )
      }),
    )
}
