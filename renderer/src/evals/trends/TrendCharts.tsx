/** The trend charts (lazy-loaded with uPlot): scores, latency p50/p95 and cost over runs; a click on a point opens its run. */
import { useMemo } from 'react'
import uPlot from 'uplot'
import { RUN_COLOURS, UPlotChart } from '../compare/charts/UPlotChart'
import { formatCost } from '../../traces/format'
import type { TrendAxis, TrendPoint } from './trendModel'

/** Props of {@link TrendCharts}. */
export interface TrendChartsProps {
  points: readonly TrendPoint[]
  scorers: readonly string[]
  axis: TrendAxis
  onOpenRun(runId: string): void
}

type Line = { label: string; values: (number | null)[]; format(v: number): string }

/** Three charts sharing the x axis. */
export default function TrendCharts({ points, scorers, axis, onOpenRun }: TrendChartsProps) {
  // Sub-10 ms latencies keep a decimal, or neighbouring ticks read alike ("2 ms, 2 ms").
  const ms = (v: number) => `${Math.abs(v) < 10 ? Number(v.toFixed(1)) : Math.round(v)} ms`
  const costless = points.every((p) => !p.costUsd)
  return (
    <div className="ec-charts">
      <TrendChart title="Score per scorer" points={points} axis={axis} onOpenRun={onOpenRun}
        lines={scorers.map((id) => ({ label: id, values: points.map((p) => p.scores[id] ?? null), format: (v) => v.toFixed(3) }))} />
      <TrendChart title="Latency" points={points} axis={axis} onOpenRun={onOpenRun}
        lines={[{ label: 'p50', values: points.map((p) => p.latencyP50), format: ms }, { label: 'p95', values: points.map((p) => p.latencyP95), format: ms }]} />
      {costless ? (
        // A flat line at $0 on an invented $0–$100 axis says less than this.
        <p className="muted ec-chart-note" data-testid="trend-no-cost">
          Cost: none recorded ($0 in every run — a local or unpriced model, or cached answers).
        </p>
      ) : (
        <TrendChart title="Cost" points={points} axis={axis} onOpenRun={onOpenRun}
          lines={[{ label: 'cost', values: points.map((p) => p.costUsd), format: (v) => formatCost(v) }]} />
      )}
    </div>
  )
}

function TrendChart({ title, points, axis, lines, onOpenRun }: { title: string; points: readonly TrendPoint[]; axis: TrendAxis; lines: Line[]; onOpenRun(runId: string): void }) {
  const { options, data } = useMemo(() => {
    const options: Omit<uPlot.Options, 'width'> = {
      title,
      height: 220,
      scales: { x: { time: axis === 'time' } },
      axes: [
        axis === 'commit' ? { label: 'commit', values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (points[t]?.label ?? '') : '')) } : {},
        { size: 70, values: (_u, ticks) => ticks.map((t) => lines[0]!.format(t)) },
      ],
      cursor: { points: { size: 10 } },
      series: [
        { label: axis === 'commit' ? 'commit' : 'time', value: (_u, v) => (v === null ? '—' : (points.find((p) => p.x === v)?.label ?? '')) },
        ...lines.map((line, i) => ({ label: line.label, stroke: RUN_COLOURS[(i + 1) % RUN_COLOURS.length], width: 2, points: { show: true, size: 7 }, value: (_u: uPlot, v: number | null) => (v === null ? '—' : line.format(v)) })),
      ],
      hooks: {
        // A click opens the run under the cursor (the nearest point on x).
        ready: [
          (u) =>
            u.over.addEventListener('click', () => {
              const idx = u.cursor.idx
              if (idx !== null && idx !== undefined && points[idx]) onOpenRun(points[idx].runId)
            }),
        ],
      },
    }
    return { options, data: [points.map((p) => p.x), ...lines.map((l) => l.values)] as uPlot.AlignedData }
  }, [title, points, axis, lines, onOpenRun])
  return <UPlotChart options={options} data={data} label={`${title} over runs; click a point to open its run`} />
}
