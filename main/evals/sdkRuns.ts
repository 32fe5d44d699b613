/**
 * Evaluation runs recorded by the SDK's `evaluate()` (issue 8). The app's own
 * process runs the model and the scorers; Weft stores the run, its rows and
 * its summary in the same tables as an engine run (source `sdk`), so
 * `weft eval list/show/compare` and `evals.*` read them with nothing special.
 * Transport-free: the ingest door validates bodies and maps errors to HTTP.
 */
import type Database from 'better-sqlite3'
import { WeftError, type ErrorIssue } from '../../common/errors'
import type { EvaluationDefinition } from './definition'
import { runStore, type StoredRun } from './runStore'
import { summarize, type RowResult, type RunSummary } from './summary'

/**
 * What an SDK run stores as its definition: what ran, as far as Weft can know
 * it. The shape follows EvaluationDefinition where the two overlap (dataset,
 * scorers by id, trials) so readers of `definition.scorers[].id` work; the
 * target is the app's function, known only by name.
 */
export interface SdkRunDefinition {
  description?: string
  /** The pinned dataset (`dataset:NAME@DIGEST`), or null when the app passed its rows inline. */
  dataset: string | null
  target: { sdk: string }
  /** Scorers are the app's functions: `type: 'sdk'`, known by name. */
  scorers: Array<{ id: string; type: 'sdk' }>
  trials: number
  concurrency?: number
}

/** A new SDK run. */
export interface SdkRunStart {
  name: string
  definition: SdkRunDefinition
  pinned: Record<string, string>
  total: number
}

/** How an SDK run may end. */
export type SdkRunEnd = 'finished' | 'cancelled' | 'failed'

const invalid = (message: string, issues: ErrorIssue[]) => new WeftError('INVALID_REQUEST', `${message}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)

/** SDK run operations over a trace database's SQLite handle. */
export function sdkRuns(db: Database.Database) {
  const runs = runStore(db)

  /** The run, which must exist and have been made by the SDK (engine and Weave runs are not the SDK's to write). */
  const requireSdkRun = (runId: string): StoredRun => {
    const run = runs.get(runId)
    if (!run) throw new WeftError('NOT_FOUND', `No evaluation run ${runId}`, [{ path: 'runId', message: 'unknown run' }])
    if (run.source !== 'sdk') throw new WeftError('CONFLICT', `Run ${runId} was made by ${run.source === 'weft' ? 'the evaluation engine' : 'W&B Weave'}; the SDK records only its own runs`, [{ path: 'runId', message: `a ${run.source} run` }])
    return run
  }

  const recordAll = db.transaction((runId: string, rows: readonly RowResult[]) => {
    for (const row of rows) runs.record(runId, row)
  })

  return {
    /** Starts a running SDK run; with the app's pid (same machine), a run whose process died shows as interrupted. */
    create(start: SdkRunStart & { pid?: number | null }): string {
      // The stored definition has the SDK's own shape (see SdkRunDefinition); runStore types it as
      // the engine's, and the engine never reads an SDK run's definition (it refuses to resume them).
      return runs.create(start.name, start.definition as unknown as EvaluationDefinition, start.pinned, null, start.total, { source: 'sdk', pid: start.pid ?? null })
    },

    /**
     * Stores rows in one transaction, each under its (rowId, trial): a batch
     * sent twice (a retry after a lost answer) changes nothing. Refuses the
     * whole batch when a row names a trial or scorer the run does not have.
     */
    record(runId: string, rows: readonly RowResult[]): { recorded: number } {
      const run = requireSdkRun(runId)
      if (run.status !== 'running') throw new WeftError('CONFLICT', `Run ${runId} is ${run.status}; rows cannot be added to it`, [{ path: 'runId', message: run.status }])
      const definition = run.definition as unknown as SdkRunDefinition
      const scorerIds = new Set(definition.scorers.map((s) => s.id))
      const issues: ErrorIssue[] = []
      rows.forEach((row, i) => {
        if (row.trial >= definition.trials) issues.push({ path: `rows.${i}.trial`, message: `the run has ${definition.trials} trial(s), numbered from 0` })
        for (const id of Object.keys(row.scores)) if (!scorerIds.has(id)) issues.push({ path: `rows.${i}.scores.${id}`, message: 'not a scorer of this run' })
      })
      if (issues.length > 0) throw invalid('Invalid rows', issues)
      recordAll(runId, rows)
      return { recorded: rows.length }
    },

    /**
     * Ends the run with the summary of its stored rows. Ending it again with
     * the same status answers the same summary (a retried request); another
     * status is a conflict. `finished` needs every row × trial recorded.
     */
    finish(runId: string, status: SdkRunEnd): RunSummary {
      const run = requireSdkRun(runId)
      if (run.status !== 'running') {
        if (run.status === status && run.summary) return run.summary
        throw new WeftError('CONFLICT', `Run ${runId} already ended as ${run.status}`, [{ path: 'runId', message: run.status }])
      }
      const rows = runs.rows(runId)
      if (status === 'finished' && rows.length !== run.total) {
        throw new WeftError('CONFLICT', `Run ${runId} has ${rows.length} of its ${run.total} rows; send the rest, or finish it as failed or cancelled`, [{ path: 'status', message: 'rows missing' }])
      }
      const summary = summarize(rows)
      runs.finish(runId, status, summary)
      return summary
    },
  }
}
