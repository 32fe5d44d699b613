/** The dashboard's charts (lazy-loaded with uPlot, through the shared chart wrapper), readable in light and dark. */
import { useMemo } from 'react'
import uPlot from 'uplot'
import type { ResponseOf } from '../../../common/contract'
import { useResolvedTheme } from '../app/theme'
import { UPlotChart, withAlpha } from '../evals/compare/charts/UPlotChart'
import { dashboardCharts, formatChartValue, type ChartSpec } from './chartSeries'

/** Line colours, one per group; "other" is always the last, grey. */
export const GROUP_COLOURS = ['#5b5bd6', '#e5484d', '#30a46c', '#f5a524', '#0090ff', '#d6409f', '#12a594', '#8e4ec6', '#ad7f58', '#7b8794']

/** Axis and grid ink per theme: uPlot draws them on a canvas, where CSS variables do not reach. */
const INK = { light: { axis: '#686c74', grid: '#e5e5e9' }, dark: { axis: '#979aa2', grid: '#2b2c31' } }

/** Props of {@link MonitorCharts}. */
export interface MonitorChartsProps {
  result: ResponseOf<'monitor.query'>
}

/** Every chart of the dashboard in a grid. */
export default function MonitorCharts({ result }: MonitorChartsProps) {
  const theme = useResolvedTheme()
  const charts = useMemo(() => dashboardCharts(result), [result])
  const x = useMemo(() => result.timestamps.map((t) => t / 1000), [result])
  return (
    // data-shown names the result drawn: the benchmark waits for it to change.
    <div className="monitor-charts" data-testid="monitor-charts" data-shown={`${result.fromMs}-${result.toMs}-${result.groupBy}`}>
      {charts.map((chart) => (
        <Chart key={`${chart.id}-${theme}`} chart={chart} x={x} theme={theme} result={result} />
      ))}
    </div>
  )
}

/** True when some value has no value in the bucket before or after it (a line cannot show it). */
function hasIsolatedValue(values: ReadonlyArray<number | null>): boolean {
  return values.some((v, i) => v !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null)
}

function Chart({ chart, x, theme, result }: { chart: ChartSpec; x: number[]; theme: 'light' | 'dark'; result: MonitorChartsProps['result'] }) {
  const { options, data } = useMemo(() => {
    const ink = INK[theme]
    const colour = (label: string, i: number) => (label === 'other' ? GROUP_COLOURS[GROUP_COLOURS.length - 1]! : GROUP_COLOURS[i % (GROUP_COLOURS.length - 1)]!)
    const axis = { stroke: ink.axis, grid: { stroke: ink.grid, width: 1 }, ticks: { stroke: ink.grid, width: 1 } }
    const options: Omit<uPlot.Options, 'width'> = {
      title: chart.title,
      height: 190,
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: [result.fromMs / 1000, result.toMs / 1000] }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max && max > 0 ? max * 1.1 : 1] } },
      axes: [axis, { ...axis, size: 64, values: (_u, ticks) => ticks.map((t) => formatChartValue(chart.unit, t)) }],
      series: [
        {},
        ...chart.series.map((s, i) => ({
          label: s.label,
          stroke: colour(s.label, i),
          width: 1.5,
          fill: chart.bars ? withAlpha(colour(s.label, i), 0.45) : undefined,
          paths: chart.bars ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined,
          // Lines only join neighbouring buckets: a value with empty buckets on both sides would be an invisible dot.
          points: { show: !chart.bars && hasIsolatedValue(s.values), size: 6, fill: colour(s.label, i) },
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => formatChartValue(chart.unit, v),
        })),
      ],
    }
    return { options, data: [x, ...chart.series.map((s) => s.values)] as uPlot.AlignedData }
  }, [chart, x, theme, result])
  return (
    <div className="monitor-chart" data-testid={`chart-${chart.id}`}>
      <UPlotChart options={options} data={data} label={chart.title} />
    </div>
  )
}
