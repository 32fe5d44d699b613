/**
 * The waterfall's time axis: which slice of the trace is in view (zoom and
 * pan), where a span's bar sits in it, and the ruler's ticks. Pure, so the
 * geometry is testable without layout.
 */

/** The window of the trace in view, in ms from the trace's start. */
export interface TimeView {
  from: number
  to: number
}

/** The narrowest window zoom reaches (ms): below this, bars are as wide as they get. */
export const MIN_WINDOW_MS = 0.01

/** The whole trace in view. */
export function fullView(durationMs: number): TimeView {
  return { from: 0, to: Math.max(durationMs, MIN_WINDOW_MS) }
}

/** Keeps a window inside the trace and no narrower than {@link MIN_WINDOW_MS}. */
export function clampView(view: TimeView, durationMs: number): TimeView {
  const total = Math.max(durationMs, MIN_WINDOW_MS)
  const width = Math.min(Math.max(view.to - view.from, MIN_WINDOW_MS), total)
  const from = Math.min(Math.max(view.from, 0), total - width)
  return { from, to: from + width }
}

/**
 * Zooms by `factor` (> 1 zooms in) keeping the time under `anchor` (0…1
 * across the column, default the middle) where it is.
 */
export function zoomView(view: TimeView, factor: number, durationMs: number, anchor = 0.5): TimeView {
  const width = view.to - view.from
  const at = view.from + width * anchor
  const next = width / factor
  return clampView({ from: at - next * anchor, to: at - next * anchor + next }, durationMs)
}

/** Pans by a fraction of the window (positive moves later in time). */
export function panView(view: TimeView, fraction: number, durationMs: number): TimeView {
  const shift = (view.to - view.from) * fraction
  return clampView({ from: view.from + shift, to: view.to + shift }, durationMs)
}

/** A bar's place in the column, in percent of its width (may lie outside 0…100 when out of view). */
export interface BarGeometry {
  left: number
  width: number
}

/** Bars never thinner than this (percent), so an instant span is still visible and hoverable. */
export const MIN_BAR_PERCENT = 0.3

/**
 * Where a span's bar goes: from its start to its end (or to the trace's end
 * while it runs), relative to the trace start and the window in view.
 */
export function barGeometry(startMs: number, endMs: number | null, traceStartMs: number, traceDurationMs: number, view: TimeView): BarGeometry {
  const scale = 100 / (view.to - view.from)
  const start = startMs - traceStartMs
  const end = (endMs ?? traceStartMs + traceDurationMs) - traceStartMs
  return { left: (start - view.from) * scale, width: Math.max((end - start) * scale, MIN_BAR_PERCENT) }
}

/** One ruler tick: its time (ms from the trace start) and its place in percent. */
export interface Tick {
  ms: number
  left: number
}

/** Evenly spaced ticks on a 1-2-5 step, about `target` of them across the window. */
export function rulerTicks(view: TimeView, target = 6): Tick[] {
  const width = view.to - view.from
  if (!(width > 0)) return []
  const raw = width / target
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude
  const ticks: Tick[] = []
  for (let ms = Math.ceil(view.from / step) * step; ms <= view.to + step * 1e-9; ms += step) {
    ticks.push({ ms: Number(ms.toPrecision(12)), left: ((ms - view.from) / width) * 100 })
  }
  return ticks
}

/** A tick or offset label: 0, 250ms, 1.5s, 2m 5s; sub-millisecond steps keep their decimals. */
export function formatOffset(ms: number): string {
  if (ms === 0) return '0'
  if (ms < 1) return `${Number(ms.toPrecision(2))}ms`
  if (ms < 1000) return `${Number(ms.toFixed(ms < 10 ? 1 : 0))}ms`
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))}s`
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`
}
