/** Data for the comparison charts, shaped for uPlot: score histograms and a latency × cost scatter. */
import type { EvalRow } from '../compareModel'

/** Bins of one scorer's scores over all runs: shared bin centres, a count per bin per run. */
export function scoreHistogram(runs: readonly (readonly EvalRow[])[], scorer: string, bins = 10): { centres: number[]; counts: number[][]; width: number } {
  const values = runs.map((rows) => rows.map((r) => r.scores[scorer]?.score).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)))
  const all = values.flat()
  let low = all.length ? Math.min(...all.slice(0, 100_000)) : 0
  let high = all.length ? Math.max(...all.slice(0, 100_000)) : 1
  // Scores are most often 0–1: keep that scale when they fit it, so runs read alike.
  if (low >= 0 && high <= 1) [low, high] = [0, 1]
  if (high === low) high = low + 1
  const width = (high - low) / bins
  const centres = Array.from({ length: bins }, (_, i) => low + width * (i + 0.5))
  const counts = values.map((list) => {
    const bucket = new Array<number>(bins).fill(0)
    for (const v of list) bucket[Math.min(bins - 1, Math.floor((v - low) / width))]!++
    return bucket
  })
  return { centres, counts, width }
}

/**
 * Latency (x) against cost (y), one series per run. uPlot wants one shared,
 * sorted x: every point gets its own slot, with null in the other runs' series.
 */
export function latencyCostPoints(runs: readonly (readonly EvalRow[])[]): [number[], ...(number | null)[][]] {
  const points: { x: number; y: number; run: number }[] = []
  runs.forEach((rows, run) => {
    for (const r of rows) if (r.latencyMs !== null) points.push({ x: r.latencyMs, y: r.costUsd ?? 0, run })
  })
  points.sort((a, b) => a.x - b.x)
  const xs = points.map((p) => p.x)
  const series = runs.map((_, run) => points.map((p) => (p.run === run ? p.y : null)))
  return [xs, ...series]
}
