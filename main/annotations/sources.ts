/**
 * A queue's items from its source, in a stable order: a dataset's rows (file
 * order), traces (newest first, by the root span's name, status, attributes
 * and age), or an evaluation run's rows (dataset order, then trial).
 *
 * Listing is cheap — what paging and progress need; full trace inputs and
 * outputs (which may be megabytes, kept out of the trace list) load only for
 * the items shown or written back ({@link ItemSource.full}).
 */
import { WeftError } from '../../common/errors'
import { formatRef, parseRef } from '../../common/refs'
import type { QueueDefinition } from '../../common/schemas/annotation'
import { parseJsonl } from '../store/formats/dataset'
import type { ObjectStore } from '../store/store'
import type { TraceDb, TraceSummary } from '../traces/db'
import { runStore, type StoredRun } from '../evals/runStore'
import type { RowResult } from '../evals/summary'

/** One item as its source gives it (the annotations are attached later). */
export interface SourceItem {
  id: string
  input: unknown
  output?: unknown
  expected?: unknown
  metadata: Record<string, unknown>
  traceId: string | null
}

/** A queue's items now. */
export interface ItemSource {
  /** Every item, in the stable order; trace items carry previews until {@link full}. */
  items: SourceItem[]
  /** The given items with their full values. */
  full(items: readonly SourceItem[]): SourceItem[]
  /** For a dataset source: the dataset's name (where labels go by default). */
  dataset?: string
}

/** What reading a source needs. */
export interface SourceContext {
  store: ObjectStore
  traces: TraceDb
  /** Milliseconds now (for `since`). */
  now: number
}

/** Parsed sources kept (by dataset version, or finished run): parsing a 100k-row dataset for every page would be wasted. */
const CACHED_SOURCES = 4
/** Traces read per query page. */
const TRACE_PAGE = 1000

const DURATION_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `30m`, `12h`, `7d` in milliseconds. */
export function durationMs(text: string): number {
  const unit = text.slice(-1) as keyof typeof DURATION_MS
  return Number(text.slice(0, -1)) * DURATION_MS[unit]
}

/** A dataset row as an item: input is the row without id, expected and output. */
export function rowItem(row: Record<string, unknown> & { id: string }): SourceItem {
  const { id, expected, output, ...input } = row
  return { id, input, ...(output === undefined ? {} : { output }), ...(expected === undefined ? {} : { expected }), metadata: {}, traceId: null }
}

/** Reads queue sources, keeping parsed datasets and finished runs by their identity. */
export class SourceReader {
  private readonly cache = new Map<string, SourceItem[]>()

  private remember(key: string, items: SourceItem[]): SourceItem[] {
    if (this.cache.size >= CACHED_SOURCES) this.cache.delete(this.cache.keys().next().value!)
    this.cache.set(key, items)
    return items
  }

  /** The items of a queue's source; throws NOT_FOUND / INVALID_FILE saying what cannot be read. */
  async read(definition: QueueDefinition, ctx: SourceContext): Promise<ItemSource> {
    const { source } = definition
    if ('dataset' in source) return this.dataset(source.dataset, ctx)
    if ('traces' in source) return traceItems(source.traces, ctx)
    return this.evaluation(source.evaluation, ctx)
  }

  private async dataset(text: string, ctx: SourceContext): Promise<ItemSource> {
    const ref = parseRef(text, 'dataset')
    if (ref.kind !== 'dataset') throw new WeftError('INVALID_FILE', `source.dataset names a ${ref.kind}, not a dataset: ${text}`, [{ path: 'source.dataset', message: 'not a dataset' }])
    // Resolving reads no content: a cached version is not read again.
    const resolved = await resolveDataset(ctx.store, formatRef(ref))
    const key = `${ctx.store.dir}\0dataset\0${resolved.digest}`
    const cached = this.cache.get(key)
    const items = cached ?? this.remember(key, parseJsonl((await ctx.store.read({ kind: 'dataset', name: ref.name, selector: { type: 'digest', prefix: resolved.digest } })).content, `datasets/${ref.name}.jsonl`).map((row) => rowItem(row)))
    return { items, full: (page) => [...page], dataset: ref.name }
  }

  private async evaluation(spec: { name: string; run: string; failedOnly: boolean }, ctx: SourceContext): Promise<ItemSource> {
    const runs = runStore(ctx.traces.sqlite)
    const run = findRun(runs, spec)
    const rows = runs.rows(run.id)
    // A finished run's rows never change: its items are kept by run, row count and filter.
    const key = `${ctx.store.dir}\0run\0${run.id}\0${run.status}\0${rows.length}\0${spec.failedOnly}`
    const cached = run.status === 'finished' ? this.cache.get(key) : undefined
    if (cached) return { items: cached, full: (page) => [...page] }
    const datasetRows = await pinnedRows(ctx.store, runs, run)
    const order = new Map([...datasetRows.keys()].map((id, i) => [id, i]))
    const picked = spec.failedOnly ? rows.filter(failed) : rows
    const sorted = [...picked].sort((a, b) => (order.get(a.rowId) ?? Infinity) - (order.get(b.rowId) ?? Infinity) || (a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : 0) || a.trial - b.trial)
    const items = sorted.map((r) => runItem(run, r, datasetRows.get(r.rowId)))
    if (run.status === 'finished') this.remember(key, items)
    return { items, full: (page) => [...page] }
  }
}

/** The run an evaluation source names: a run id, or the newest finished run of the evaluation. */
function findRun(runs: ReturnType<typeof runStore>, spec: { name: string; run: string }): StoredRun {
  if (spec.run !== 'latest') {
    const run = runs.get(spec.run)
    if (!run) throw new WeftError('NOT_FOUND', `No evaluation run ${spec.run} (source.evaluation.run)`, [{ path: 'source.evaluation.run', message: 'unknown run' }])
    if (run.name !== spec.name) throw new WeftError('INVALID_FILE', `Run ${spec.run} is a run of ${run.name}, not of ${spec.name}`, [{ path: 'source.evaluation.run', message: `a run of ${run.name}` }])
    return run
  }
  const run = runs.list(spec.name, 1000).find((r) => r.status === 'finished')
  if (!run) throw new WeftError('NOT_FOUND', `Evaluation ${spec.name} has no finished run yet: run it (weft eval run ${spec.name}) to annotate its results`, [{ path: 'source.evaluation.name', message: 'no finished run' }])
  return run
}

/** A row that errored or failed a scorer. */
function failed(row: RowResult): boolean {
  return row.error !== null || Object.values(row.scores).some((s) => s?.pass === false)
}

/** The rows of the dataset a run pinned, by id: from the store, else from the bundle it was imported with; empty when neither has it. */
async function pinnedRows(store: ObjectStore, runs: ReturnType<typeof runStore>, run: StoredRun): Promise<Map<string, Record<string, unknown> & { id: string }>> {
  const ref = run.pinned.dataset
  if (!ref) return new Map()
  let content: string | undefined
  try {
    content = (await store.read(ref)).content
  } catch (error) {
    if (!(error instanceof WeftError)) throw error
    content = runs.keptObject(ref)
  }
  if (content === undefined) return new Map()
  return new Map(parseJsonl(content, `datasets/${parseRef(ref, 'dataset').name}.jsonl`).map((row) => [row.id, row]))
}

/** An evaluation row (one trial) as an item: `RUN:ROW:TRIAL`, the dataset row's input and expected, the output and scores. */
function runItem(run: StoredRun, r: RowResult, row: (Record<string, unknown> & { id: string }) | undefined): SourceItem {
  const fromRow = row ? rowItem(row) : null
  return {
    id: `${run.id}:${r.rowId}:${r.trial}`,
    input: fromRow?.input ?? null,
    ...(r.output === null || r.output === undefined ? {} : { output: r.output }),
    ...(fromRow?.expected === undefined ? {} : { expected: fromRow.expected }),
    metadata: {
      run: run.id, row: r.rowId, trial: r.trial, scores: r.scores, latencyMs: r.latencyMs, tokens: r.tokens, costUsd: r.costUsd,
      ...(r.error === null ? {} : { error: r.error }),
    },
    traceId: r.traceId ?? null,
  }
}

/** Resolves a dataset reference, saying which source field named it when it is missing. */
async function resolveDataset(store: ObjectStore, ref: string) {
  try {
    return await store.resolve(ref)
  } catch (error) {
    if (error instanceof WeftError && error.code === 'NOT_FOUND') {
      throw new WeftError('NOT_FOUND', `The queue's source dataset cannot be read: ${error.message}`, [{ path: 'source.dataset', message: error.issues?.[0]?.message ?? 'not found' }])
    }
    throw error
  }
}

/** Root spans by name, status, attributes and age, newest first, up to the limit. */
function traceItems(spec: Extract<QueueDefinition['source'], { traces: unknown }>['traces'], ctx: SourceContext): ItemSource {
  const summaries: TraceSummary[] = []
  let cursor: string | undefined
  do {
    const page = ctx.traces.listTraces({
      ...(spec.name ? { name: spec.name } : {}),
      ...(spec.status ? { status: spec.status } : {}),
      ...(spec.since ? { fromMs: Math.max(0, ctx.now - durationMs(spec.since)) } : {}),
      ...(spec.attributes ? { attributes: spec.attributes } : {}),
      limit: Math.min(TRACE_PAGE, spec.limit - summaries.length),
      ...(cursor ? { cursor } : {}),
    })
    summaries.push(...page.traces)
    cursor = page.nextCursor ?? undefined
  } while (cursor && summaries.length < spec.limit)
  const items = summaries.map((t): SourceItem => ({
    id: t.traceId,
    input: t.inputsPreview,
    ...(t.outputPreview === null ? {} : { output: t.outputPreview }),
    metadata: { name: t.rootName, status: t.status, startMs: t.startMs, latencyMs: t.latencyMs, tokens: t.totalTokens, costUsd: t.costUsd, spans: t.spanCount, rootSpanId: t.rootSpanId },
    traceId: t.traceId,
  }))
  return {
    items,
    full: (page) =>
      page.map((item) => {
        const rootSpanId = item.metadata.rootSpanId
        const span = typeof rootSpanId === 'string' ? ctx.traces.getSpan(item.id, rootSpanId) : undefined
        if (!span) return item
        const { output: _preview, ...rest } = item
        return { ...rest, input: span.inputs ?? null, ...(span.output === undefined || span.output === null ? {} : { output: span.output }), ...(span.error ? { metadata: { ...item.metadata, error: span.error } } : {}) }
      }),
  }
}
