/**
 * A run as a file (issue 9): a run bundle — one JSON document with the run,
 * its rows, the content of every version it pinned and its rows' trace spans,
 * importable on another machine — CSV, and JUnit XML; and the import of a
 * bundle into this project's trace database.
 */
import type Papa from 'papaparse'
import { describeIssues, issuesFromZod } from '../../common/dispatch'
import { WeftError } from '../../common/errors'
import { EvalRunBundleSchema, MAX_BUNDLE_CHARS } from '../../common/schemas/evals'
import type { z } from 'zod'
import type { SpanInput } from '../../common/schemas/span'
import { lazyRequire } from '../lazyRequire'
import type { TraceDb } from '../traces/db'
import type { SpanNode } from '../traces/tree'
import type { EvaluationDefinition } from './definition'
import { junitReport } from './junit'
import { runStore, type StoredRun } from './runStore'
import { failedThresholds, summarize, type RowResult, type RunSummary } from './summary'

// Required on the first CSV export, not at start-up.
const loadPapaparse = lazyRequire<typeof Papa>('papaparse')

/** The bundle format this Weft writes and reads. */
export const BUNDLE_VERSION = 1

/** What an export produces. */
export interface ExportedFile {
  filename: string
  mediaType: string
  content: string
}

/** A validated bundle. */
export type ParsedBundle = z.output<typeof EvalRunBundleSchema>

/** What {@link exportRun} needs. */
export interface ExportOptions {
  traces: TraceDb
  runId: string
  format: 'bundle' | 'csv' | 'junit'
  /** Bundle only: include the rows' trace spans (default true). */
  withSpans?: boolean
  /** Bundle only: a pinned version's content, or undefined when nobody has it. */
  readObject?: (ref: string) => Promise<string | undefined>
  now?: () => number
}

/** A file name part from a run's name (evaluation names may hold folders). */
const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-')

/** A run as a bundle, CSV or JUnit file. */
export async function exportRun(options: ExportOptions): Promise<ExportedFile> {
  const runs = runStore(options.traces.sqlite)
  const run = runs.get(options.runId)
  if (!run) throw new WeftError('NOT_FOUND', `No evaluation run ${options.runId}`, [{ path: 'runId', message: 'unknown run' }])
  const rows = runs.rows(run.id)
  const base = `${safe(run.name)}-${run.id}`
  if (options.format === 'csv') return { filename: `${base}.csv`, mediaType: 'text/csv', content: runCsv(run, rows) }
  if (options.format === 'junit') return { filename: `${base}.xml`, mediaType: 'application/xml', content: runJunit(run, rows) }
  if (run.status === 'running') throw new WeftError('CONFLICT', `Run ${run.id} is still running; export it once it finishes or is cancelled`, [{ path: 'runId', message: 'still running' }])
  const bundle = await buildBundle(run, rows, options)
  const content = `${JSON.stringify(bundle)}\n`
  // The same limit as the import's, so every bundle written here can be read back.
  if (content.length > MAX_BUNDLE_CHARS) {
    const mb = (n: number) => `${Math.ceil(n / 1024 / 1024)} MB`
    throw new WeftError('UNSUPPORTED', `The bundle of run ${run.id} would be ${mb(content.length)}, over the ${mb(MAX_BUNDLE_CHARS)} a bundle may hold; export it without its traces (traces: false, --no-traces)`, [
      { path: 'traces', message: 'bundle too large with traces' },
    ])
  }
  return { filename: `${base}.weft-run.json`, mediaType: 'application/json', content }
}

/** The bundle document of a finished (or ended) run. */
async function buildBundle(run: StoredRun, rows: RowResult[], options: ExportOptions): Promise<Record<string, unknown>> {
  const objects: Record<string, string> = {}
  for (const ref of new Set(Object.values(run.pinned))) {
    const content = await options.readObject?.(ref)
    if (content !== undefined) objects[ref] = content
  }
  const spans: SpanInput[] = []
  if (options.withSpans !== false) {
    for (const traceId of new Set(rows.flatMap((r) => (r.traceId ? [r.traceId] : [])))) spans.push(...traceSpans(options.traces, traceId))
  }
  const { importedMs: _imported, ...plain } = run
  return { weftRunBundle: BUNDLE_VERSION, exportedMs: (options.now ?? Date.now)(), run: plain, rows, objects, spans }
}

/** Every span of a trace, full inputs and output, in the shape the trace database takes in. */
export function traceSpans(traces: TraceDb, traceId: string): SpanInput[] {
  const spans: SpanInput[] = []
  const visit = (nodes: readonly SpanNode[]) => {
    for (const node of nodes) {
      const stored = traces.getSpan(traceId, node.id)
      if (stored) {
        const { inputTokens: _in, outputTokens: _out, ...span } = stored
        spans.push(span)
      }
      visit(node.children)
    }
  }
  visit(traces.getTrace(traceId)?.roots ?? [])
  return spans
}

/** A cell's text: strings as they are, anything else as JSON, nothing as empty. */
function cell(value: unknown): string | number | boolean {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value)
}

/** Scorer ids in the definition's order, then any only the rows know (a definition changed by hand). */
function scorerIds(run: StoredRun, rows: readonly RowResult[]): string[] {
  const ids = new Set((run.definition as Partial<EvaluationDefinition>).scorers?.map((s) => s.id) ?? [])
  for (const row of rows) for (const id of Object.keys(row.scores)) ids.add(id)
  return [...ids]
}

/** One line per row × trial: the row, then each scorer's score, pass and reason (RFC 4180 quoting). */
export function runCsv(run: StoredRun, rows: readonly RowResult[]): string {
  const ids = scorerIds(run, rows)
  const header = ['rowId', 'trial', 'output', 'error', 'latencyMs', 'tokens', 'costUsd', ...ids.flatMap((id) => [`${id}.score`, `${id}.pass`, `${id}.reason`])]
  const lines = rows.map((r) => [
    r.rowId, r.trial, cell(r.output), cell(r.error), cell(r.latencyMs), r.tokens, cell(r.costUsd),
    ...ids.flatMap((id) => {
      const s = r.scores[id]
      return [cell(s?.score), cell(s?.pass), cell(s?.reason)]
    }),
  ])
  // Quote every text cell that needs it; a leading = or + is left alone (this is data, not a spreadsheet formula guard).
  return `${loadPapaparse().unparse({ fields: header, data: lines }, { newline: '\r\n' })}\r\n`
}

/** The run as JUnit XML with its definition's thresholds. */
export function runJunit(run: StoredRun, rows: readonly RowResult[]): string {
  // A run that did not finish has no stored summary: its rows so far are summarised.
  const summary = run.summary ?? summarize(rows)
  const thresholds = (run.definition as Partial<EvaluationDefinition>).thresholds ?? {}
  return junitReport(run, rows, summary, failedThresholds(summary, thresholds), thresholds)
}

/** Problems listed in an error message; the issues carry them all (up to the cap). */
const LISTED_ISSUES = 20

/** Reads and validates a bundle; INVALID_FILE names each bad field's path (`rows.12.scores.x.score`). */
export function parseBundle(content: string): ParsedBundle {
  let json: unknown
  try {
    json = JSON.parse(content)
  } catch (error) {
    throw new WeftError('INVALID_FILE', `Not a run bundle: the file is not JSON (${(error as Error).message})`, [{ path: '', message: 'not JSON' }])
  }
  const version = (json as { weftRunBundle?: unknown } | null)?.weftRunBundle
  if (typeof json !== 'object' || json === null || version === undefined) {
    throw new WeftError('INVALID_FILE', 'Not a run bundle: it has no weftRunBundle field (write one with weft eval export)', [{ path: 'weftRunBundle', message: 'missing' }])
  }
  if (typeof version === 'number' && version > BUNDLE_VERSION) {
    throw new WeftError('UNSUPPORTED', `This run bundle is version ${version}, made by a newer Weft; this one reads version ${BUNDLE_VERSION}`, [{ path: 'weftRunBundle', message: `version ${version} is not supported` }])
  }
  const parsed = EvalRunBundleSchema.safeParse(json)
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error).slice(0, LISTED_ISSUES)
    const more = parsed.error.issues.length - issues.length
    throw new WeftError('INVALID_FILE', `Invalid run bundle: ${describeIssues(issues)}${more > 0 ? `; and ${more} more` : ''}`, issues)
  }
  const seen = new Map<string, number>()
  for (const [i, row] of parsed.data.rows.entries()) {
    const key = JSON.stringify([row.rowId, row.trial])
    const first = seen.get(key)
    if (first !== undefined) throw new WeftError('INVALID_FILE', `Invalid run bundle: rows.${i}: row ${row.rowId} trial ${row.trial} appears twice (first at rows.${first})`, [{ path: `rows.${i}`, message: 'duplicate row and trial' }])
    seen.set(key, i)
  }
  return parsed.data
}

/** JSON with object keys sorted, so equal content compares equal whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  )
}

/** The comparable content of a run and its rows: what an identical re-import must match. */
function fingerprint(run: Omit<StoredRun, 'importedMs'> & { importedMs?: number }, rows: readonly RowResult[]): string {
  const { importedMs: _imported, ...plain } = run
  const normalRows = rows.map((r) => ({ ...r, output: r.output ?? null })).sort((a, b) => (a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : a.trial - b.trial))
  return canonical({ run: plain, rows: normalRows })
}

/** What {@link importBundle} did. */
export interface ImportResult {
  run: StoredRun
  /** False when the identical run was here already (nothing was written). */
  imported: boolean
  rows: number
  spans: number
  objects: number
  /** Traces the import added (for the trace list's catch-up). */
  traceIds: string[]
}

/**
 * Stores a bundle's run, rows, pinned contents and spans in one transaction.
 * The run keeps its id and source and gains `importedMs`; the same bundle
 * again is a no-op, another run under the same id is a CONFLICT.
 */
export function importBundle(traces: TraceDb, bundle: ParsedBundle, now = Date.now()): ImportResult {
  const runs = runStore(traces.sqlite)
  const incoming = { ...bundle.run, definition: bundle.run.definition as unknown as EvaluationDefinition, summary: bundle.run.summary as RunSummary | null }
  const rows = bundle.rows.map((r) => ({ ...r, output: r.output ?? null })) as RowResult[]
  const counts = { rows: rows.length, spans: bundle.spans.length, objects: Object.keys(bundle.objects).length }
  const existing = runs.get(incoming.id)
  if (existing) {
    if (fingerprint(existing, runs.rows(existing.id)) === fingerprint(incoming, rows)) return { run: existing, imported: false, ...counts, traceIds: [] }
    throw new WeftError('CONFLICT', `A different run ${incoming.id} (${existing.name}) is already in this project; the bundle was not imported`, [{ path: 'run.id', message: 'a different run has this id' }])
  }
  const write = traces.sqlite.transaction(() => {
    runs.putImported(incoming, now)
    for (const row of rows) runs.record(incoming.id, row)
    for (const [ref, content] of Object.entries(bundle.objects)) runs.keepObject(ref, content)
    // Last: insertSpans resets its own caches when it fails, and nothing after it can.
    if (bundle.spans.length) traces.insertSpans(bundle.spans)
  })
  write.immediate()
  return { run: runs.get(incoming.id)!, imported: true, ...counts, traceIds: [...new Set(bundle.spans.map((s) => s.traceId))] }
}
