import { describe, expect, test } from 'vitest'
import { barGeometry, clampView, formatOffset, fullView, MIN_BAR_PERCENT, panView, rulerTicks, zoomView } from './timeScale'

describe('waterfall bar geometry', () => {
  const T0 = 1_000_000
  test('bars sit from start to end relative to the trace, in percent of the full view', () => {
    const view = fullView(1000)
    expect(barGeometry(T0, T0 + 1000, T0, 1000, view)).toEqual({ left: 0, width: 100 })
    expect(barGeometry(T0 + 250, T0 + 500, T0, 1000, view)).toEqual({ left: 25, width: 25 })
    expect(barGeometry(T0 + 900, T0 + 900, T0, 1000, view)).toEqual({ left: 90, width: MIN_BAR_PERCENT })
  })

  test('a running span reaches the end of the trace', () => {
    expect(barGeometry(T0 + 600, null, T0, 1000, fullView(1000))).toEqual({ left: 60, width: 40 })
  })

  test('zoomed to the second half, bars stretch and earlier ones fall off the left', () => {
    const view = { from: 500, to: 1000 }
    expect(barGeometry(T0 + 750, T0 + 1000, T0, 1000, view)).toEqual({ left: 50, width: 50 })
    expect(barGeometry(T0 + 100, T0 + 200, T0, 1000, view).left).toBe(-80)
  })
})

describe('zoom and pan', () => {
  test('zooming in keeps the anchor time in place, and out again stops at the whole trace', () => {
    const view = zoomView(fullView(1000), 2, 1000, 0.25)
    expect(view).toEqual({ from: 125, to: 625 })
    expect(zoomView(view, 0.1, 1000)).toEqual({ from: 0, to: 1000 })
  })

  test('panning stays inside the trace', () => {
    expect(panView({ from: 0, to: 100 }, 0.5, 1000)).toEqual({ from: 50, to: 150 })
    expect(panView({ from: 0, to: 100 }, -1, 1000)).toEqual({ from: 0, to: 100 })
    expect(panView({ from: 900, to: 1000 }, 3, 1000)).toEqual({ from: 900, to: 1000 })
    expect(clampView({ from: -5, to: 5000 }, 1000)).toEqual({ from: 0, to: 1000 })
  })
})

describe('ruler', () => {
  test('ticks on a 1-2-5 step across the window', () => {
    expect(rulerTicks({ from: 0, to: 1000 }).map((t) => t.ms)).toEqual([0, 200, 400, 600, 800, 1000])
    const zoomed = rulerTicks({ from: 130, to: 170 })
    expect(zoomed.map((t) => t.ms)).toEqual([130, 140, 150, 160, 170])
    expect(zoomed[1]!.left).toBeCloseTo(25)
  })

  test('labels', () => {
    expect([0, 0.25, 5, 250, 1500, 125_000].map(formatOffset)).toEqual(['0', '0.25ms', '5ms', '250ms', '1.5s', '2m 5s'])
  })
})
