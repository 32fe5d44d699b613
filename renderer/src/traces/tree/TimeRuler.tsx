/**
 * The header above the span tree: column titles, the waterfall's time ruler
 * for the window in view, and the zoom buttons.
 */
import type { RefObject } from 'react'
import { formatOffset, rulerTicks, type TimeView } from './timeScale'

/** Zoom step of the buttons (ctrl+wheel zooms continuously). */
export const ZOOM_STEP = 1.6

/** Column titles, ruler and zoom controls. */
export function TimeRuler({ rulerRef, view, durationMs, onZoom, onFit }: {
  rulerRef: RefObject<HTMLDivElement | null>
  view: TimeView
  durationMs: number
  onZoom: (factor: number) => void
  onFit: () => void
}) {
  const zoomed = view.from > 0 || view.to < durationMs
  return (
    <div className="st-header">
      <div className="st-name st-head-title">Span</div>
      <div className="st-figures st-head-title">
        <span>Latency</span>
        <span>Tokens</span>
        <span>Cost</span>
      </div>
      <div className="st-wf st-ruler" ref={rulerRef} data-testid="time-ruler" title="Ctrl+wheel zooms, Shift+wheel or drag pans">
        {rulerTicks(view).map((t) => (
          <span key={t.ms} className="st-tick" style={{ left: `${t.left}%` }}>
            {formatOffset(t.ms)}
          </span>
        ))}
        <span className="st-zoom" role="group" aria-label="Timeline zoom">
          <button type="button" className="st-zoom-btn" aria-label="Zoom out" disabled={!zoomed} onClick={() => onZoom(1 / ZOOM_STEP)}>
            −
          </button>
          <button type="button" className="st-zoom-btn" aria-label="Zoom in" onClick={() => onZoom(ZOOM_STEP)}>
            +
          </button>
          <button type="button" className="st-zoom-btn" aria-label="Fit the whole trace" disabled={!zoomed} onClick={onFit}>
            Fit
          </button>
        </span>
      </div>
    </div>
  )
}
