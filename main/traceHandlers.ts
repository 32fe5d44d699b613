/** The trace query operations and the ingest token, for the open project. */
import type { Handlers } from '../common/dispatch'
import { WeftError } from '../common/errors'
import type { TraceProjects } from './traces/projects'
import { flattenTree } from './traces/tree'
import { rotateIngestToken } from './traces/projects'

type TraceOperation = 'ingest.info' | 'ingest.rotateToken' | 'traces.list' | 'traces.get' | 'spans.get' | 'traces.stats'

/** What the trace handlers need from the workbench. */
export interface TraceHandlerContext {
  projects: TraceProjects
  /** The open, initialised project's folder (throws otherwise). */
  projectDir(): string
  /** The ingest server this host runs, if any. */
  ingest(): { url: string | null; error: string | null }
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
      return info(await ctx.projects.token(dir))
    },
    'traces.list': async (query) => traces().listTraces(query),
    'traces.get': async ({ traceId }) => {
      const found = traces().getTrace(traceId)
      if (!found) throw new WeftError('NOT_FOUND', `No trace ${traceId} in this project`, [{ path: 'traceId', message: 'unknown' }])
      return { trace: found.trace, spans: flattenTree(found.roots) }
    },
    'spans.get': async ({ spanId }) => {
      const span = traces().getSpan(spanId)
      if (!span) throw new WeftError('NOT_FOUND', `No span ${spanId} in this project`, [{ path: 'spanId', message: 'unknown' }])
      return { span }
    },
    'traces.stats': async (window) => traces().stats(window),
  }
}
