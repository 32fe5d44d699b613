/** An evaluation's history as points: one per finished run (by time) or per commit (its newest run). */
import type { ResponseOf } from '../../../../common/contract'

/** A run as `evals.runs` lists it. */
export type RunSummary = ResponseOf<'evals.runs'>['runs'][number]

/** How the x axis reads. */
export type TrendAxis = 'time' | 'commit'

/** One point of the trend: a run and its numbers. */
export interface TrendPoint {
  runId: string
  x: number
  /** What the axis and the table say for this point: a date or a short commit. */
  label: string
  startedMs: number
  gitCommit: string | null
  scores: Record<string, number | null>
  latencyP50: number | null
  latencyP95: number | null
  costUsd: number
}

/** Finished runs, oldest first, as points; by commit, each commit's newest run at its place in commit order. */
export function trendPoints(runs: readonly RunSummary[], axis: TrendAxis): TrendPoint[] {
  const finished = runs.filter((r) => r.status === 'finished' && r.summary).sort((a, b) => a.startedMs - b.startedMs)
  const toPoint = (run: RunSummary, x: number, label: string): TrendPoint => ({
    runId: run.id, x, label, startedMs: run.startedMs, gitCommit: run.gitCommit,
    scores: Object.fromEntries(Object.entries(run.summary!.scorers).map(([id, s]) => [id, s.mean])),
    latencyP50: run.summary!.latencyP50Ms, latencyP95: run.summary!.latencyP95Ms, costUsd: run.summary!.costUsd,
  })
  if (axis === 'time') return finished.map((run) => toPoint(run, run.startedMs / 1000, new Date(run.startedMs).toLocaleString()))
  // A commit's place is where it was first evaluated; its point is the newest run made on it.
  const newest = new Map<string, RunSummary>()
  const order: string[] = []
  for (const run of finished) {
    const key = run.gitCommit ?? `run:${run.id}`
    if (!newest.has(key)) order.push(key)
    newest.set(key, run)
  }
  return order.map((key, i) => {
    const run = newest.get(key)!
    return toPoint(run, i, run.gitCommit ? run.gitCommit.slice(0, 7) : 'no commit')
  })
}

/** Every scorer id across the points, in first-seen order. */
export function trendScorers(points: readonly TrendPoint[]): string[] {
  return [...new Set(points.flatMap((p) => Object.keys(p.scores)))]
}
