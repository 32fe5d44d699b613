/** The comparison's charts (lazy-loaded with uPlot): a score histogram per scorer (two runs side by side, more overlaid), and latency × cost per row. */
import { useMemo } from 'react'
import uPlot from 'uplot'
import { formatCost } from '../../../traces/format'
import type { EvalRow } from '../compareModel'
import { latencyCostPoints, scoreHistogram } from './chartData'
import { RUN_COLOURS, UPlotChart, withAlpha } from './UPlotChart'

/** Props of {@link CompareCharts}. */
export interface CompareChartsProps {
  runs: readonly { label: string; rows: readonly EvalRow[] }[]
  scorers: readonly string[]
}

/** Histograms then the scatter. */
export default function CompareCharts({ runs, scorers }: CompareChartsProps) {
  return (
    <div className="ec-charts">
      {scorers.map((id) => (
        <Histogram key={id} scorer={id} runs={runs} />
      ))}
      <Scatter runs={runs} />
    </div>
  )
}

function Histogram({ scorer, runs }: { scorer: string; runs: CompareChartsProps['runs'] }) {
  const { options, data } = useMemo(() => {
    const { centres, counts, width } = scoreHistogram(runs.map((r) => r.rows), scorer)
    // Two runs stand side by side in each bin (baseline left, candidate right); more are overlaid, translucent.
    const pair = runs.length === 2
    const barsFor = (i: number) => uPlot.paths.bars!(pair ? { size: [0.45, Infinity], align: i === 0 ? -1 : 1 } : { size: [0.9, Infinity], align: 0 })
    const options: Omit<uPlot.Options, 'width'> = {
      title: `${scorer} — score distribution`,
      height: 200,
      scales: { x: { time: false, range: [centres[0]! - width / 2, centres[centres.length - 1]! + width / 2] } },
      axes: [{ label: 'score' }, { label: 'rows' }],
      series: [
        { label: 'score', value: (_u, v) => (v === null ? '—' : `${(v - width / 2).toFixed(2)}–${(v + width / 2).toFixed(2)}`) },
        ...runs.map((r, i) => ({ label: r.label, stroke: RUN_COLOURS[i % RUN_COLOURS.length], fill: withAlpha(RUN_COLOURS[i % RUN_COLOURS.length]!, pair ? 0.75 : 0.35), paths: barsFor(i), points: { show: false } })),
      ],
    }
    return { options, data: [centres, ...counts] as uPlot.AlignedData }
  }, [scorer, runs])
  return <UPlotChart options={options} data={data} label={`Histogram of ${scorer} scores per run`} />
}

function Scatter({ runs }: { runs: CompareChartsProps['runs'] }) {
  const { options, data } = useMemo(() => {
    const data = latencyCostPoints(runs.map((r) => r.rows))
    // Nothing cost anything (a local, unpriced or cached model): one $0 line, not an invented $0–$100 axis.
    const costless = data.slice(1).every((series) => series.every((v) => !v))
    const options: Omit<uPlot.Options, 'width'> = {
      title: costless ? 'Latency per row (no cost recorded)' : 'Latency × cost per row',
      height: 240,
      scales: { x: { time: false }, ...(costless ? { y: { range: [-1, 1] as uPlot.Range.MinMax } } : {}) },
      axes: [{ label: 'latency (ms)' }, { label: 'cost (USD)', values: (_u, ticks) => ticks.map((t) => (costless && t !== 0 ? '' : formatCost(t))), size: 70 }],
      series: [
        { label: 'latency', value: (_u, v) => (v === null ? '—' : `${Math.round(v)} ms`) },
        ...runs.map((r, i) => ({
          label: r.label, stroke: RUN_COLOURS[i % RUN_COLOURS.length], paths: () => null,
          points: { show: true, size: 5, fill: withAlpha(RUN_COLOURS[i % RUN_COLOURS.length]!, 0.6) },
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatCost(v)),
        })),
      ],
    }
    return { options, data: data as uPlot.AlignedData }
  }, [runs])
  return <UPlotChart options={options} data={data} label="Latency against cost, one point per row and run" />
}
