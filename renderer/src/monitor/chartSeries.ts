/**
 * The dashboard's charts as plain data (titles, units, one line per group or
 * percentile), built from a `monitor.query` answer; the lazy chart module only
 * hands these to uPlot, so what is drawn is tested without a canvas.
 */
import type { ResponseOf } from '../../../common/contract'

type Result = ResponseOf<'monitor.query'>

/** What a chart's values are. */
export type ChartUnit = 'count' | 'percent' | 'ms' | 'tokens' | 'usd' | 'score'

/** One chart. */
export interface ChartSpec {
  id: string
  title: string
  unit: ChartUnit
  /** Bars (one series) read better than a line for counts per bucket. */
  bars: boolean
  series: Array<{ label: string; values: Array<number | null> }>
}

const groupSeries = (result: Result, pick: (g: Result['groups'][number]) => Array<number | null>) =>
  result.groups.map((g) => ({ label: g.label, values: pick(g) }))

/** The charts for a result: volume, error rate, latency, tokens, cost, and online scores when there are any. */
export function dashboardCharts(result: Result): ChartSpec[] {
  const single = result.groupBy === 'none'
  const only = result.groups[0]
  const by = single ? '' : ` by ${result.groupBy}`
  const charts: ChartSpec[] = [
    { id: 'volume', title: `Volume (spans per bucket)${by}`, unit: 'count', bars: single, series: groupSeries(result, (g) => g.series.count) },
    { id: 'errors', title: `Error rate${by}`, unit: 'percent', bars: false, series: groupSeries(result, (g) => g.series.errorRate.map((v) => (v === null ? null : v * 100))) },
    single && only
      ? { id: 'latency', title: 'Latency p50 / p95 / p99', unit: 'ms', bars: false, series: [{ label: 'p50', values: only.series.p50Ms }, { label: 'p95', values: only.series.p95Ms }, { label: 'p99', values: only.series.p99Ms }] }
      : { id: 'latency', title: `Latency p95${by}`, unit: 'ms', bars: false, series: groupSeries(result, (g) => g.series.p95Ms) },
    single && only
      ? { id: 'tokens', title: 'Tokens (input / output)', unit: 'tokens', bars: false, series: [{ label: 'input', values: only.series.inputTokens }, { label: 'output', values: only.series.outputTokens }] }
      : { id: 'tokens', title: `Tokens${by}`, unit: 'tokens', bars: false, series: groupSeries(result, (g) => g.series.inputTokens.map((v, i) => v + g.series.outputTokens[i]!)) },
    { id: 'cost', title: `Cost (USD)${by}`, unit: 'usd', bars: single, series: groupSeries(result, (g) => g.series.costUsd) },
  ]
  if (result.scores.length > 0) {
    charts.push({ id: 'scores', title: 'Online scores (mean per bucket)', unit: 'score', bars: false, series: result.scores.map((s) => ({ label: s.name, values: s.mean })) })
    charts.push({ id: 'pass', title: 'Online scores (pass rate)', unit: 'percent', bars: false, series: result.scores.map((s) => ({ label: s.name, values: s.passRate.map((v) => (v === null ? null : v * 100)) })) })
  }
  return charts
}

/** A value in a chart's unit, short: 1.2k, 12.5%, 830 ms, $0.0042. */
export function formatChartValue(unit: ChartUnit, v: number | null): string {
  if (v === null || Number.isNaN(v)) return '—'
  switch (unit) {
    case 'percent':
      return `${v.toFixed(v < 10 ? 1 : 0)}%`
    case 'ms':
      return v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s` : `${Math.round(v)} ms`
    case 'usd':
      return v === 0 ? '$0' : v < 0.01 ? `$${v.toPrecision(2)}` : `$${v.toFixed(2)}`
    case 'score':
      return v.toFixed(2)
    default:
      return v >= 1_000_000 ? `${(v / 1_000_000).toFixed(1)}M` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v * 100) / 100)
  }
}
