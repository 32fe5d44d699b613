/**
 * Mouse gestures on the waterfall: ctrl+wheel zooms around the pointer,
 * shift+wheel pans, and dragging sideways over the timeline pans (a drag
 * never also selects the row it started on).
 */
import { useEffect, useRef, type RefObject } from 'react'
import { panView, zoomView, type TimeView } from './timeScale'

/** Pixels a pointer moves before a press becomes a pan rather than a click. */
const DRAG_THRESHOLD_PX = 4

/**
 * Attaches the gestures to `scrollRef` (the tree), measuring the timeline's
 * column through `rulerRef`. The wheel listener is not passive, so ctrl+wheel
 * does not also zoom the page.
 */
export function useWaterfallGestures(
  scrollRef: RefObject<HTMLElement | null>,
  rulerRef: RefObject<HTMLElement | null>,
  durationMs: number,
  setView: (update: (view: TimeView) => TimeView) => void,
) {
  const dragged = useRef(false)
  useEffect(() => {
    const element = scrollRef.current
    if (!element) return
    const column = () => rulerRef.current?.getBoundingClientRect()
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey && !event.shiftKey) return
      const rect = column()
      const width = rect && rect.width > 0 ? rect.width : 1
      event.preventDefault()
      if (event.ctrlKey || event.metaKey) {
        const anchor = rect && rect.width > 0 ? Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)) : 0.5
        setView((view) => zoomView(view, Math.exp(-event.deltaY / 300), durationMs, anchor))
      } else {
        // Shift+wheel: browsers report the delta on either axis.
        const delta = event.deltaX || event.deltaY
        setView((view) => panView(view, delta / width, durationMs))
      }
    }
    const onPointerDown = (event: PointerEvent) => {
      if (event.button !== 0 || !(event.target as Element).closest('.st-wf')) return
      const rect = column()
      if (!rect || rect.width <= 0) return
      let lastX = event.clientX
      let moved = false
      dragged.current = false
      const onMove = (e: PointerEvent) => {
        if (!moved && Math.abs(e.clientX - event.clientX) < DRAG_THRESHOLD_PX) return
        moved = true
        dragged.current = true
        const dx = e.clientX - lastX
        lastX = e.clientX
        setView((view) => panView(view, -dx / rect.width, durationMs))
      }
      const onUp = () => {
        window.removeEventListener('pointermove', onMove)
        window.removeEventListener('pointerup', onUp)
      }
      window.addEventListener('pointermove', onMove)
      window.addEventListener('pointerup', onUp)
    }
    // A click ending a drag is swallowed before it reaches the row.
    const onClickCapture = (event: MouseEvent) => {
      if (!dragged.current) return
      dragged.current = false
      event.stopPropagation()
    }
    element.addEventListener('wheel', onWheel, { passive: false })
    element.addEventListener('pointerdown', onPointerDown)
    element.addEventListener('click', onClickCapture, true)
    return () => {
      element.removeEventListener('wheel', onWheel)
      element.removeEventListener('pointerdown', onPointerDown)
      element.removeEventListener('click', onClickCapture, true)
    }
  }, [scrollRef, rulerRef, durationMs, setView])
}
