/** The trace query operations and the ingest token, for the open project. */
import fs from 'node:fs'
import path from 'node:path'
import type { EventName, EventOf, ResponseOf, ValidRequestOf } from '../common/contract'
import type { Handlers } from '../common/dispatch'
import { WeftError } from '../common/errors'
import { addSpanFeedback, listTraceFeedback, removeFeedback, summarizeFeedback, toFeedbackItem, unknownSpanField } from './traces/feedback'
import type { TraceProjects } from './traces/projects'
import { flattenTree } from './traces/tree'
import { rotateIngestToken } from './traces/projects'
import { listWeaveDatasets, readWeaveDatasetRows } from './traces/weave/datasets'
import { valueDigest } from './traces/weave/digest'
import { parsePyJson } from './traces/weave/pyjson'

type TraceOperation =
  | 'ingest.info'
  | 'ingest.rotateToken'
  | 'traces.list'
  | 'traces.get'
  | 'spans.get'
  | 'traces.stats'
  | 'feedback.add'
  | 'feedback.list'
  | 'feedback.remove'
  | 'weave.datasets'
  | 'weave.importDataset'

/** What the trace handlers need from the workbench. */
export interface TraceHandlerContext {
  projects: TraceProjects
  /** The open, initialised project's folder (throws otherwise). */
  projectDir(): string
  /** The ingest server this host runs, if any. */
  ingest(): { url: string | null; error: string | null }
  /** Imports a JSONL file as a dataset version (the workbench's datasets.import). */
  importDataset(request: ValidRequestOf<'datasets.import'>): Promise<ResponseOf<'datasets.import'>>
  /** Pushes an event to every listener (feedback.changed). */
  emit<E extends EventName>(event: E, payload: EventOf<E>): void
  /** The clock feedback is stamped with. */
  now?: () => number
}

/**
 * Weave rows are identified by their digest: a row without an `id` gets
 * `w-` and the start of its Weave row digest, stable across dataset versions
 * (identical rows get -2, -3…).
 */
function withIds(rows: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  const seen = new Map<string, number>()
  return rows.map((row) => {
    if (row.id !== undefined && row.id !== null && row.id !== '') return row
    const base = `w-${valueDigest(parsePyJson(JSON.stringify(row))).slice(0, 12)}`
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return { id: n === 1 ? base : `${base}-${n}`, ...row }
  })
}

/** Builds the trace operations' handlers. */
export function createTraceHandlers(ctx: TraceHandlerContext): Pick<Handlers, TraceOperation> {
  const traces = () => ctx.projects.project(ctx.projectDir()).traces
  const info = async (token: string) => ({ ...ctx.ingest(), token, traceCount: traces().count() })
  return {
    'ingest.info': async () => info(await ctx.projects.token(ctx.projectDir())),
    'ingest.rotateToken': async () => {
      const dir = ctx.projectDir()
      await rotateIngestToken(dir)
      ctx.projects.forgetTokens(dir)
      return info(await ctx.projects.token(dir))
    },
    'traces.list': async (query) => traces().listTraces(query),
    'traces.get': async ({ traceId }) => {
      const found = traces().getTrace(traceId)
      if (!found) throw new WeftError('NOT_FOUND', `No trace ${traceId} in this project`, [{ path: 'traceId', message: 'unknown' }])
      const feedback = summarizeFeedback(traces().sqlite, [traceId]).get(traceId)
      return { trace: feedback ? { ...found.trace, feedback } : found.trace, spans: flattenTree(found.roots) }
    },
    'spans.get': async ({ traceId, spanId }) => {
      const span = traces().getSpan(traceId, spanId)
      if (!span) throw new WeftError('NOT_FOUND', `No span ${spanId} in trace ${traceId}`, [{ path: 'spanId', message: 'unknown' }])
      return { span }
    },
    'traces.stats': async (window) => traces().stats(window),
    'feedback.add': async (request) => {
      const db = traces().sqlite
      const unknown = unknownSpanField(db, request.traceId, request.spanId)
      if (unknown === 'traceId') throw new WeftError('NOT_FOUND', `No trace ${request.traceId} in this project`, [{ path: 'traceId', message: 'unknown' }])
      if (unknown) throw new WeftError('NOT_FOUND', `No span ${request.spanId} in trace ${request.traceId}`, [{ path: 'spanId', message: 'unknown' }])
      const item = addSpanFeedback(db, request, ctx.now?.() ?? Date.now())
      ctx.emit('feedback.changed', { traceId: request.traceId, spanId: request.spanId })
      return item
    },
    'feedback.list': async ({ traceId, spanId }) => ({ feedback: listTraceFeedback(traces().sqlite, traceId, spanId).map(toFeedbackItem) }),
    'feedback.remove': async ({ id }) => {
      const removed = removeFeedback(traces().sqlite, id)
      if (removed?.traceId && removed.spanId) ctx.emit('feedback.changed', { traceId: removed.traceId, spanId: removed.spanId })
      return { removed: removed !== undefined }
    },
    'weave.datasets': async () => ({ datasets: listWeaveDatasets(traces()) }),
    'weave.importDataset': async ({ name, digest, projectId, as, message }) => {
      const dir = ctx.projectDir()
      const rows = readWeaveDatasetRows(traces(), name, digest, projectId)
      if (!rows) throw new WeftError('NOT_FOUND', `No Weave dataset ${name}${digest ? `:${digest}` : ''} in this project`, [{ path: digest ? 'digest' : 'name', message: 'unknown' }])
      const file = path.join(dir, '.weft', 'tmp', `weave-${process.pid}-${Date.now()}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl`)
      await fs.promises.mkdir(path.dirname(file), { recursive: true })
      try {
        await fs.promises.writeFile(file, withIds(rows).map((row) => JSON.stringify(row)).join('\n') + '\n')
        return await ctx.importDataset({ file, name: as, message: message ?? `Import Weave dataset ${name}${digest ? `:${digest.slice(0, 12)}` : ''} (${rows.length} rows)` })
      } finally {
        await fs.promises.rm(file, { force: true })
      }
    },
  }
}
