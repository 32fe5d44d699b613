/**
 * Evaluation runs in the trace database (issue 8): the run with its pinned
 * versions and definition, and each row × trial as it finishes (so a killed
 * run resumes with exactly what is missing), then the summary.
 */
import crypto from 'node:crypto'
import type Database from 'better-sqlite3'
import type { EvaluationDefinition } from './definition'
import { resultKey } from './runLoop'
import type { RowResult, RunSummary } from './summary'

/** A stored run. */
export interface StoredRun {
  id: string
  name: string
  definition: EvaluationDefinition
  pinned: Record<string, string>
  gitCommit: string | null
  /**
   * `interrupted`: stored as running by a process that is gone (killed,
   * crashed); `weft eval run --resume` continues it.
   */
  status: 'running' | 'finished' | 'cancelled' | 'failed' | 'interrupted'
  /** weft: the engine; sdk: `evaluate()` in an app's process; weave: a W&B Weave evaluation. */
  source: RunSource
  startedMs: number
  endedMs: number | null
  total: number
  summary: RunSummary | null
  /** When the run arrived in a bundle (absent: made in this project). */
  importedMs?: number
}

/** Who made a run. */
export type RunSource = 'weft' | 'sdk' | 'weave'

type RunRow = {
  id: string; name: string; definition: string; pinned: string; git_commit: string | null; status: StoredRun['status']; started_ms: number
  ended_ms: number | null; total: number; summary: string | null; source: RunSource; pid: number | null; imported_ms: number | null
}

/** Whether a process of this machine is alive (signal 0 checks without sending). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const toRun = (r: RunRow): StoredRun => ({
  id: r.id, name: r.name, definition: JSON.parse(r.definition) as EvaluationDefinition, pinned: JSON.parse(r.pinned) as Record<string, string>,
  gitCommit: r.git_commit, status: r.status === 'running' && r.pid !== null && !alive(r.pid) ? 'interrupted' : r.status, source: r.source,
  startedMs: r.started_ms, endedMs: r.ended_ms, total: r.total, summary: r.summary === null ? null : (JSON.parse(r.summary) as RunSummary),
  ...(r.imported_ms === null ? {} : { importedMs: r.imported_ms }),
})

/** Run storage over a trace database's SQLite handle. */
export function runStore(db: Database.Database) {
  const s = {
    create: db.prepare('INSERT INTO eval_runs (id, name, definition, pinned, git_commit, status, started_ms, total, source, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    get: db.prepare<[string], RunRow>('SELECT * FROM eval_runs WHERE id = ?'),
    list: db.prepare<[{ name: string; limit: number }], RunRow>("SELECT * FROM eval_runs WHERE (@name = '' OR name = @name) ORDER BY started_ms DESC LIMIT @limit"),
    putRow: db.prepare(`INSERT OR REPLACE INTO eval_rows (run_id, row_id, trial, output, error, latency_ms, tokens, cost_usd, scores, trace_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    rows: db.prepare<[string], { row_id: string; trial: number; output: string | null; error: string | null; latency_ms: number | null; tokens: number; cost_usd: number | null; scores: string; trace_id: string | null }>(
      'SELECT row_id, trial, output, error, latency_ms, tokens, cost_usd, scores, trace_id FROM eval_rows WHERE run_id = ? ORDER BY row_id, trial',
    ),
    keys: db.prepare<[string], { row_id: string; trial: number }>('SELECT row_id, trial FROM eval_rows WHERE run_id = ?'),
    finish: db.prepare('UPDATE eval_runs SET status = ?, ended_ms = ?, summary = ? WHERE id = ?'),
    reopen: db.prepare("UPDATE eval_runs SET status = 'running', ended_ms = NULL, pid = ? WHERE id = ?"),
    putImported: db.prepare(`INSERT INTO eval_runs (id, name, definition, pinned, git_commit, status, started_ms, ended_ms, total, summary, source, pid, imported_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`),
    keepObject: db.prepare('INSERT OR IGNORE INTO eval_objects (ref, content) VALUES (?, ?)'),
    keptObject: db.prepare<[string], { content: string }>('SELECT content FROM eval_objects WHERE ref = ?'),
  }
  return {
    /** Starts a run; its id is time-ordered and readable (`2026-11-28T17-40-02-ab12`). */
    create(
      name: string, definition: EvaluationDefinition, pinned: Record<string, string>, gitCommit: string | null, total: number,
      options: { now?: number; source?: RunSource; pid?: number | null } = {},
    ): string {
      const now = options.now ?? Date.now()
      const id = `${new Date(now).toISOString().slice(0, 19).replace(/:/g, '-')}-${crypto.randomBytes(2).toString('hex')}`
      s.create.run(id, name, JSON.stringify(definition), JSON.stringify(pinned), gitCommit, 'running', now, total, options.source ?? 'weft', options.pid === undefined ? process.pid : options.pid)
      return id
    },
    get(id: string): StoredRun | undefined {
      const row = s.get.get(id)
      return row ? toRun(row) : undefined
    },
    list(name = '', limit = 50): StoredRun[] {
      return s.list.all({ name, limit }).map(toRun)
    },
    /** Stores one finished row × trial (immediately durable: WAL commit). */
    record(runId: string, r: RowResult): void {
      s.putRow.run(runId, r.rowId, r.trial, r.output === undefined ? null : JSON.stringify(r.output), r.error, r.latencyMs, r.tokens, r.costUsd, JSON.stringify(r.scores), r.traceId ?? null)
    },
    rows(runId: string): RowResult[] {
      return s.rows.all(runId).map((r) => ({
        rowId: r.row_id, trial: r.trial, output: r.output === null ? null : (JSON.parse(r.output) as unknown), error: r.error,
        latencyMs: r.latency_ms, tokens: r.tokens, costUsd: r.cost_usd, scores: JSON.parse(r.scores) as RowResult['scores'],
        ...(r.trace_id === null ? {} : { traceId: r.trace_id }),
      }))
    },
    /** `rowId/trial` keys already stored (what a resume skips). */
    doneKeys(runId: string): Set<string> {
      return new Set(s.keys.all(runId).map((r) => resultKey(r.row_id, r.trial)))
    },
    finish(runId: string, status: Exclude<StoredRun['status'], 'running'>, summary: RunSummary | null, now = Date.now()): void {
      s.finish.run(status, now, summary === null ? null : JSON.stringify(summary), runId)
    },
    /** Takes a run over to continue it in this process. */
    reopen(runId: string, pid: number | null = process.pid): void {
      s.reopen.run(pid, runId)
    },
    /** Stores a run made elsewhere (a bundle), as it ended there; no process of this machine owns it. */
    putImported(run: Omit<StoredRun, 'importedMs'>, importedMs: number): void {
      s.putImported.run(run.id, run.name, JSON.stringify(run.definition), JSON.stringify(run.pinned), run.gitCommit, run.status, run.startedMs, run.endedMs, run.total,
        run.summary === null ? null : JSON.stringify(run.summary), run.source, importedMs)
    },
    /** Keeps a pinned version's content from a bundle (first one kept wins: a ref names one content). */
    keepObject(ref: string, content: string): boolean {
      return s.keepObject.run(ref, content).changes === 1
    },
    /** A version's content kept from a bundle, or undefined. */
    keptObject(ref: string): string | undefined {
      return s.keptObject.get(ref)?.content
    },
  }
}

/** The run storage type. */
export type RunStore = ReturnType<typeof runStore>
