/** The evaluation operations (issues 8, 9) for the open project: run, cancel, list, get, compare; export, import, pinned versions. */
import type { EventOf } from '../common/contract'
import type { Handlers } from '../common/dispatch'
import { WeftError } from '../common/errors'
import { exportRun, importBundle, parseBundle } from './evals/bundle'
import { runEvaluation } from './evals/engine'
import { runStore } from './evals/runStore'
import { diffObjects } from './store/diff'
import { OBJECT_KINDS, type ObjectKind } from '../common/schemas/project'
import { SCORER_METAS } from './evals/scorers'
import { compareRuns } from './evals/summary'
import type { Providers } from './providers/registry'
import type { SecretSource } from './providers/types'
import { runInWorker } from './evals/worker/host'
import type { ObjectStore } from './store/store'
import type { TraceDb } from './traces/db'

type EvalOperation = 'evals.scorers' | 'evals.run' | 'evals.cancel' | 'evals.runs' | 'evals.get' | 'evals.compare' | 'evals.export' | 'evals.import' | 'evals.pinned' | 'evals.diff'

/** What the evaluation handlers need from the workbench. */
export interface EvalHandlerContext {
  store(): Promise<ObjectStore>
  /** A provider layer for one run, with its calls in flight per provider. */
  providers(dir: string, concurrency?: Record<string, number>): Providers
  traces(): TraceDb
  progress(event: EventOf<'progress'>): void
  /** The structured progress event (`evals.progress`). */
  evalProgress(event: EventOf<'evals.progress'>): void
  /** New row traces were written (the trace list and text index catch up). */
  spansAdded(dir: string, traceIds: readonly string[], count: number): void
  /** The built evaluation worker (out/main/evalWorker.js): runs go to a worker thread; null runs them in this thread. */
  worker?: string | null
  /** API keys, for runs in a worker (which asks for each by message). */
  secrets: SecretSource
}

/** Time left as people say it: `45 s`, `3 min`, `1 h 20 min`. */
export function formatEta(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000))
  if (s < 90) return `${s} s`
  const min = Math.round(s / 60)
  return min < 90 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`
}

/** The least time between two progress events of a run. */
const PROGRESS_EVERY_MS = 100

/** Builds the evaluation operations' handlers. */
export function createEvalHandlers(ctx: EvalHandlerContext): Pick<Handlers, EvalOperation> {
  const running = new Map<string, AbortController>()
  const runs = () => runStore(ctx.traces().sqlite)
  const requireRun = (runId: string, field = 'runId') => {
    const run = runs().get(runId)
    if (!run) throw new WeftError('NOT_FOUND', `No evaluation run ${runId}`, [{ path: field, message: 'unknown run' }])
    return run
  }
  /** A pinned version's content: this project's store first, then what an imported bundle brought. */
  const readPinned = async (store: ObjectStore, ref: string): Promise<{ content: string; from: 'project' | 'bundle' } | null> => {
    try {
      return { content: (await store.read(ref)).content, from: 'project' }
    } catch (error) {
      if (!(error instanceof WeftError)) throw error
    }
    const kept = runs().keptObject(ref)
    return kept === undefined ? null : { content: kept, from: 'bundle' }
  }
  return {
    'evals.run': async ({ name, concurrency, trials, resume, cache, set }) => {
      const store = await ctx.store()
      const controller = new AbortController()
      let runId: string | null = resume ?? null
      if (runId) running.set(runId, controller)
      let last = { done: 0, total: 0, errors: 0, means: {} as Record<string, number> }
      try {
        // The run id is known before the first row: a cancel (or a person who must resume after a crash) can name it at once.
        const onStart = (id: string) => {
          running.set((runId = id), controller)
          ctx.progress({ taskId: `eval:${id}`, label: `Evaluating ${name}`, done: 0, total: null, state: 'running', message: `run ${id}` })
          ctx.evalProgress({ runId: id, name, ...last, etaMs: null, state: 'running' })
        }
        // Rows can finish a thousand a second (a cached re-run): events go out at most every 100 ms, and at the last row.
        let lastSent = 0
        const onProgress = (p: { runId: string; done: number; total: number; errors: number; means: Record<string, number>; etaMs: number | null }) => {
          last = { done: p.done, total: p.total, errors: p.errors, means: p.means }
          const sentMs = performance.now()
          if (sentMs - lastSent < PROGRESS_EVERY_MS && p.done < p.total) return
          lastSent = sentMs
          const means = Object.entries(p.means).map(([id, m]) => `${id} ${m.toFixed(2)}`).join(', ')
          const eta = p.etaMs === null || p.done === p.total ? '' : `; ${formatEta(p.etaMs)} left`
          ctx.progress({ taskId: `eval:${p.runId}`, label: `Evaluating ${name}`, done: p.done, total: p.total, state: 'running', message: `${p.errors} errors${means ? `; ${means}` : ''}${eta}` })
          ctx.evalProgress({ runId: p.runId, name, ...last, etaMs: p.etaMs, state: 'running' })
        }
        const spansAdded = (traceIds: readonly string[], count: number) => ctx.spansAdded(store.dir, traceIds, count)
        const result = ctx.worker
          ? await runInWorker({ file: ctx.worker, data: { dir: store.dir, name, concurrency, trials, set, resume, cache }, secrets: ctx.secrets, signal: controller.signal, onStart, onProgress, spansAdded })
          : await runEvaluation({
              store, providers: (limits) => ctx.providers(store.dir, limits), traces: ctx.traces(), name, concurrency, trials, resume, cache, set,
              signal: controller.signal, onStart, onProgress, spansAdded,
            })
        const state = result.run.status === 'cancelled' ? 'cancelled' : 'finished'
        ctx.progress({ taskId: `eval:${result.run.id}`, label: `Evaluating ${name}`, done: result.summary.rows, total: result.run.total, state })
        ctx.evalProgress({ runId: result.run.id, name, done: result.summary.rows, total: result.run.total, errors: result.summary.errors, means: last.means, etaMs: null, state })
        return { run: result.run as never, summary: result.summary }
      } catch (error) {
        if (runId) ctx.evalProgress({ runId, name, ...last, etaMs: null, state: 'failed' })
        throw error
      } finally {
        if (runId) running.delete(runId)
      }
    },
    'evals.scorers': async () => ({ scorers: SCORER_METAS.map((meta) => ({ ...meta })) }),
    'evals.cancel': async ({ runId }) => {
      const controller = running.get(runId)
      controller?.abort()
      return { cancelled: Boolean(controller) }
    },
    'evals.runs': async ({ name, limit }) => ({ runs: runs().list(name ?? '', limit) as never }),
    'evals.get': async ({ runId }) => ({ run: requireRun(runId) as never, rows: runs().rows(runId) }),
    'evals.compare': async ({ baseline, candidate }) => {
      requireRun(baseline, 'baseline')
      requireRun(candidate, 'candidate')
      return compareRuns(runs().rows(baseline), runs().rows(candidate))
    },
    'evals.export': async ({ runId, format, traces }) => {
      requireRun(runId)
      const store = format === 'bundle' ? await ctx.store() : null
      return exportRun({ traces: ctx.traces(), runId, format, withSpans: traces, readObject: async (ref) => (store ? (await readPinned(store, ref))?.content : undefined) })
    },
    'evals.import': async ({ content }) => {
      const bundle = parseBundle(content)
      const store = await ctx.store()
      const result = importBundle(ctx.traces(), bundle)
      if (result.traceIds.length) ctx.spansAdded(store.dir, result.traceIds, result.spans)
      return { run: result.run as never, imported: result.imported, rows: result.rows, spans: result.spans, objects: result.objects }
    },
    'evals.diff': async ({ baseline, candidate, key, limit }) => {
      const before = requireRun(baseline, 'baseline').pinned[key]
      const after = requireRun(candidate, 'candidate').pinned[key]
      if (!before || !after) throw new WeftError('NOT_FOUND', `Only one of the runs pinned "${key}"`, [{ path: 'key', message: 'not pinned by both runs' }])
      const kind = before.slice(0, before.indexOf(':'))
      if (kind !== after.slice(0, after.indexOf(':')) || !OBJECT_KINDS.includes(kind as ObjectKind)) {
        throw new WeftError('INVALID_REQUEST', `"${key}" pins a ${kind} in one run and something else in the other`, [{ path: 'key', message: 'different kinds' }])
      }
      const store = await ctx.store()
      const [from, to] = await Promise.all([readPinned(store, before), readPinned(store, after)])
      const missing = !from ? before : !to ? after : null
      if (missing) throw new WeftError('NOT_FOUND', `${missing} is neither in this project nor in an imported bundle`, [{ path: 'key', message: 'content not available' }])
      return { diff: diffObjects(kind as ObjectKind, from!.content, to!.content, { limit }) }
    },
    'evals.pinned': async ({ runId }) => {
      const run = requireRun(runId)
      const store = await ctx.store()
      const versions = []
      for (const [key, ref] of Object.entries(run.pinned)) {
        const found = await readPinned(store, ref)
        versions.push({ key, ref, content: found?.content ?? null, from: found?.from ?? null })
      }
      return { versions }
    },
  }
}
