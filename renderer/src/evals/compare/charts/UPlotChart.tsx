/**
 * One uPlot chart in a React box: made on mount, remade when its options or
 * data change, sized to its container's width. uPlot and its CSS are bundled
 * (never a CDN) and reach the page only through the lazy chart modules.
 */
import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

/** Props of {@link UPlotChart}; `options` without width, which follows the container. */
export interface UPlotChartProps {
  options: Omit<uPlot.Options, 'width'>
  data: uPlot.AlignedData
  label: string
}

/** The chart; its container carries the accessible label (the canvas itself says nothing). */
export function UPlotChart({ options, data, label }: UPlotChartProps) {
  const boxRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const box = boxRef.current
    if (!box) return
    const width = () => Math.max(240, box.clientWidth || 480)
    const chart = new uPlot({ ...options, width: width() }, data, box)
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => chart.setSize({ width: width(), height: options.height }))
    observer?.observe(box)
    return () => {
      observer?.disconnect()
      chart.destroy()
    }
  }, [options, data])
  return <div ref={boxRef} className="ec-chart" role="img" aria-label={label} />
}

/** Colours of the runs in charts: the baseline grey-blue, candidates distinct hues. */
export const RUN_COLOURS = ['#7b8794', '#5b5bd6', '#e5484d', '#30a46c', '#f5a524', '#0090ff']

/** A colour with transparency, for bar fills. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16)
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}
