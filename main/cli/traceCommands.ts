/**
 * CLI commands of traces: `weft token` (the project's ingest token and how to
 * point apps at Weft), `weft traces` (the trace list, filtered) and
 * `weft trace ID` (one trace as a tree).
 */
import type { Command } from 'commander'
import { WeftError } from '../../common/errors'
import type { RequestOf, ResponseOf } from '../../common/contract'
import { DEFAULT_INGEST_PORT } from '../server/ingest/ingestServer'
import { print, projectOptions, type CliContext } from './context'

type Opts = { project?: string; json?: boolean }
type TraceList = ResponseOf<'traces.list'>
type TraceView = ResponseOf<'traces.get'>

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `30m`, `2h`, `7d` → milliseconds; or an ISO date → its time. */
export function parseSince(text: string, now = Date.now()): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim())
  if (match) return now - Number(match[1]) * UNITS[match[2]!]!
  const time = Date.parse(text)
  if (Number.isNaN(time)) throw new WeftError('INVALID_REQUEST', `--since takes a duration like 30m, 2h, 7d or a date, not "${text}"`)
  return time
}

/** A duration for people: 850ms, 1.2s, 3m 5s. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'running'
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`
}

const cost = (usd: number | null) => (usd ? `$${usd < 0.01 ? usd.toFixed(5) : usd.toFixed(3)}` : '')
const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')

function attributePairs(pairs: readonly string[] = []): Record<string, string | number | boolean> | undefined {
  if (pairs.length === 0) return undefined
  const out: Record<string, string | number | boolean> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq < 1) throw new WeftError('INVALID_REQUEST', `--attr takes key=value, got "${pair}"`)
    const raw = pair.slice(eq + 1)
    out[pair.slice(0, eq)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw
  }
  return out
}

function number(name: string) {
  return (raw: string) => {
    const value = Number(raw)
    if (!Number.isFinite(value) || value < 0) throw new WeftError('INVALID_REQUEST', `${name} takes a non-negative number, not "${raw}"`)
    return value
  }
}

/** Thumbs on a trace, compactly: `👍2 👎1`, empty when none. */
export function formatThumbs({ up, down }: { up: number; down: number }): string {
  return [up ? `👍${up}` : '', down ? `👎${down}` : ''].filter(Boolean).join(' ')
}

/** The trace list as a table. */
function traceTable({ traces, nextCursor }: TraceList): string {
  if (traces.length === 0) return '(no traces match)'
  const lines = traces.map((t) =>
    [
      t.traceId.slice(0, 16).padEnd(16),
      time(t.startMs),
      (t.status === 'error' ? `error×${t.errorCount}` : t.status).padEnd(8),
      formatDuration(t.latencyMs).padStart(8),
      `${t.spanCount} spans`.padStart(11),
      (t.totalTokens ? `${t.totalTokens} tok` : '').padStart(10),
      cost(t.costUsd).padStart(9),
      formatThumbs(t.feedback).padEnd(9),
      t.rootName,
    ].join('  '),
  )
  if (nextCursor) lines.push(`(more: --cursor ${nextCursor})`)
  return lines.join('\n')
}

/** A trace as an indented tree with latency, tokens and cost per span. */
function traceTree({ trace, spans }: TraceView): string {
  const head = `${trace.rootName}  ${trace.traceId}\n${time(trace.startMs)}  ${trace.status}  ${formatDuration(trace.latencyMs)}  ${trace.spanCount} spans  ${trace.totalTokens} tokens ${cost(trace.costUsd)}`
  const { feedback } = trace
  const scores = Object.entries(feedback.scores).map(([name, mean]) => `${name} ${Number(mean.toFixed(3))}`)
  const feedbackLine = feedback.count ? [`${feedback.count} feedback`, formatThumbs(feedback), ...scores].filter(Boolean).join('  ') : ''
  const rows = spans.map((s) => {
    const tokens = s.subtreeTokens ? `  ${s.subtreeTokens} tok` : ''
    const error = s.error ? `  ✗ ${s.error.message.split('\n')[0]}` : ''
    return `${'  '.repeat(s.depth)}${s.name} [${s.kind}]  ${formatDuration(s.subtreeLatencyMs)}${tokens}${s.subtreeCostUsd ? `  ${cost(s.subtreeCostUsd)}` : ''}${error}  ${s.id}`
  })
  return [head, ...(feedbackLine ? [feedbackLine] : []), '', ...rows].join('\n')
}

/** Adds the trace commands to the program. */
export function registerTraceCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx

  projectOptions(program.command('token').description("Print the project's ingest token and how to point the Weft SDK, OpenTelemetry and Weave at Weft."))
    .option('--rotate', 'replace the token (apps using the old one are refused)')
    .option('--quiet', 'print only the token')
    .action((opts: Opts & { rotate?: boolean; quiet?: boolean }) =>
      ctx.withProject(opts.project, async (wb) => {
        const info = await wb.call(opts.rotate ? 'ingest.rotateToken' : 'ingest.info', {})
        if (opts.quiet) return io.out(`${info.token}\n`)
        const port = io.env.WEFT_INGEST_PORT || String(DEFAULT_INGEST_PORT)
        const url = `http://127.0.0.1:${port}`
        print(io, opts.json, { token: info.token, endpoint: url }, () =>
          [
            info.token,
            '',
            `Weft SDK:       WEFT_ENDPOINT=${url} WEFT_TOKEN=${info.token}`,
            `OpenTelemetry:  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${url}/v1/traces OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer ${info.token}"`,
            `W&B Weave:      WF_TRACE_SERVER_URL=${url} WANDB_API_KEY=${info.token}  (and weave.init('entity/project'))`,
            '',
            'Spans arrive while Weft runs: the desktop app, or `weft serve`.',
          ].join('\n'),
        )
      }),
    )

  projectOptions(program.command('traces').description('List traces, newest first: status, latency, spans, tokens, cost, thumbs up/down, name.'))
    .option('--name <op>', 'root span name')
    .option('--kind <kind>', 'root span kind: llm, tool, retrieval, chain, agent, embedding, evaluation, other')
    .option('--status <status>', 'ok, error or running')
    .option('--since <when>', 'started after: 30m, 2h, 7d, or a date')
    .option('--until <when>', 'started before: a duration ago or a date')
    .option('--text <text>', 'text in the name, inputs or output')
    .option('--attr <key=value...>', 'root span attribute equals value (repeatable)')
    .option('--min-latency <ms>', 'at least this many milliseconds', number('--min-latency'))
    .option('--min-cost <usd>', 'at least this many US dollars', number('--min-cost'))
    .option('--feedback <which>', 'traces with any feedback, a thumbs up, a thumbs down, or none: any, up, down, none')
    .option('--sort <key>', 'start, latency, cost or tokens', 'start')
    .option('--asc', 'ascending instead of descending')
    .option('--limit <n>', 'rows per page (1–1000)', number('--limit'), 50)
    .option('--cursor <cursor>', 'the next page, as printed after a full page')
    .action((opts: Opts & Record<string, unknown>) =>
      ctx.withProject(opts.project, async (wb) => {
        const query = {
          name: opts.name,
          kind: opts.kind,
          status: opts.status,
          fromMs: typeof opts.since === 'string' ? parseSince(opts.since) : undefined,
          toMs: typeof opts.until === 'string' ? parseSince(opts.until) : undefined,
          text: opts.text,
          attributes: attributePairs(opts.attr as string[] | undefined),
          minLatencyMs: opts.minLatency,
          minCostUsd: opts.minCost,
          feedback: opts.feedback,
          sort: opts.sort,
          order: opts.asc ? 'asc' : 'desc',
          limit: opts.limit,
          cursor: opts.cursor,
        }
        const result = (await wb.callRaw('traces.list', JSON.parse(JSON.stringify(query)) as RequestOf<'traces.list'>)) as TraceList
        print(io, opts.json, result, () => traceTable(result))
      }),
    )

  projectOptions(program.command('trace').description('Show one trace as a tree: each span with its latency, tokens, cost and error.'))
    .argument('<traceId>', 'trace id (as `weft traces` prints it, or in full)')
    .action((traceId: string, opts: Opts) =>
      ctx.withProject(opts.project, async (wb) => {
        let id = traceId
        if (traceId.length === 16) {
          // The list prints 16 characters; find the trace they start.
          const { traces } = await wb.call('traces.list', { text: undefined, limit: 1000 })
          const matches = traces.filter((t) => t.traceId.startsWith(traceId))
          if (matches.length === 1) id = matches[0]!.traceId
        }
        const view = await wb.call('traces.get', { traceId: id })
        print(io, opts.json, view, () => traceTree(view))
      }),
    )
}
