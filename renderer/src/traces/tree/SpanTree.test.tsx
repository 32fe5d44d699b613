import { act, fireEvent, render, screen, within } from '@testing-library/react'
import { useState } from 'react'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { ResponseOf } from '../../../../common/contract'
import { SpanTree, type TraceTiming } from './SpanTree'

type Trace = ResponseOf<'traces.get'>
type Node = Trace['spans'][number]

const T0 = 1_800_000_000_000
const node = (id: string, parentId: string | null, depth: number, childCount: number, start: number, end: number | null, extra: Partial<Node> = {}): Node => ({
  id, parentId, name: id, kind: 'chain', startMs: T0 + start, endMs: end === null ? null : T0 + end, status: 'ok', error: null,
  inputTokens: 0, outputTokens: 0, costUsd: null, subtreeLatencyMs: end === null ? null : end - start, subtreeTokens: 0,
  subtreeCostUsd: 0, subtreeErrorCount: 0, depth, childCount, ...extra,
})

/** agent ─ plan ─ (search, fetch-error) ; agent ─ answer (llm) ; agent ─ retry-search. */
const SPANS: Node[] = [
  node('agent', null, 0, 3, 0, 1000, { kind: 'agent', subtreeTokens: 1500, subtreeCostUsd: 0.012, subtreeErrorCount: 1 }),
  node('plan', 'agent', 1, 2, 0, 400, { subtreeErrorCount: 1, subtreeTokens: 300 }),
  node('search', 'plan', 2, 0, 0, 100, { kind: 'retrieval' }),
  node('fetch-error', 'plan', 2, 0, 100, 400, { kind: 'tool', status: 'error', error: { message: 'timeout' }, subtreeErrorCount: 1 }),
  node('answer', 'agent', 1, 0, 500, 1000, { kind: 'llm', subtreeTokens: 1200, subtreeCostUsd: 0.012 }),
  node('retry-search', 'agent', 1, 0, 800, null, { kind: 'retrieval', status: 'running' }),
]
const TRACE: TraceTiming = { traceId: 't1', startMs: T0, latencyMs: 1000 }

// jsdom has no layout: give every element a size so the virtualizer renders rows.
beforeAll(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600)
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000)
})
afterAll(() => vi.restoreAllMocks())

function Harness({ spans = SPANS, onFeedbackKey, onSelected }: { spans?: Node[]; onFeedbackKey?: () => void; onSelected?: (id: string) => void }) {
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const select = (id: string) => {
    setSelectedId(id)
    onSelected?.(id)
  }
  return <SpanTree trace={TRACE} spans={spans} selectedId={selectedId} onSelect={select} onFeedbackKey={onFeedbackKey} />
}

const names = () => screen.queryAllByRole('treeitem').map((r) => r.getAttribute('data-span-id'))
const selectedName = () => screen.queryAllByRole('treeitem').find((r) => r.getAttribute('aria-selected') === 'true')?.getAttribute('data-span-id')
const press = (key: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(screen.getByRole('tree'), { key, ...init })
const row = (id: string) => screen.getAllByRole('treeitem').find((r) => r.getAttribute('data-span-id') === id)!

describe('SpanTree', () => {
  test('rows carry tree semantics, indentation levels and rolled-up figures', () => {
    render(<Harness />)
    const tree = screen.getByRole('tree', { name: 'Spans' })
    expect(tree.tabIndex).toBe(0)
    expect(names()).toEqual(['agent', 'plan', 'search', 'fetch-error', 'answer', 'retry-search'])
    expect(row('agent').getAttribute('aria-level')).toBe('1')
    expect(row('agent').getAttribute('aria-expanded')).toBe('true')
    expect(row('search').getAttribute('aria-level')).toBe('3')
    expect(row('search').hasAttribute('aria-expanded')).toBe(false)
    expect(row('agent').textContent).toContain('1.00s')
    expect(row('agent').textContent).toContain('1,500 tok')
    expect(row('agent').textContent).toContain('$0.012')
    expect(row('fetch-error').className).toContain('error')
  })

  test('keyboard: up/down, left collapses then goes to the parent, right expands then enters, home/end', () => {
    render(<Harness />)
    press('ArrowDown')
    expect(selectedName()).toBe('agent')
    press('ArrowDown')
    expect(selectedName()).toBe('plan')
    press('ArrowLeft')
    expect(names()).toEqual(['agent', 'plan', 'answer', 'retry-search'])
    expect(row('plan').getAttribute('aria-expanded')).toBe('false')
    press('ArrowDown')
    expect(selectedName()).toBe('answer')
    press('ArrowLeft')
    expect(selectedName()).toBe('agent')
    press('End')
    expect(selectedName()).toBe('retry-search')
    press('Home')
    press('ArrowDown')
    press('ArrowRight')
    expect(names()).toContain('search')
    press('ArrowRight')
    expect(selectedName()).toBe('search')
    press('ArrowUp')
    expect(selectedName()).toBe('plan')
  })

  test('a collapsed row summarises what it hides, errors included', () => {
    render(<Harness />)
    fireEvent.click(row('plan'))
    press('ArrowLeft')
    const summary = within(row('plan')).getByTestId('collapsed-summary')
    expect(summary.textContent).toBe('+2 spans · 1 error inside')
    expect(row('plan').className).toContain('hidden-errors')
    press('Home')
    press('ArrowLeft')
    expect(names()).toEqual(['agent'])
    expect(within(row('agent')).getByTestId('collapsed-summary').textContent).toBe('+5 spans · 1 error inside')
  })

  test('`/` opens the search, Enter walks the matches (expanding their ancestors), Escape closes', async () => {
    render(<Harness />)
    fireEvent.click(row('plan'))
    press('ArrowLeft')
    press('/')
    const box = screen.getByRole('textbox', { name: 'Search spans by name' })
    expect(document.activeElement).toBe(box)
    await act(async () => fireEvent.change(box, { target: { value: 'SEARCH' } }))
    expect(row('retry-search').className).toContain('match')
    expect(screen.getByText('2 matches')).toBeTruthy()
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(selectedName()).toBe('search')
    expect(names()).toContain('search')
    expect(screen.getByText('1 of 2 matches')).toBeTruthy()
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(selectedName()).toBe('retry-search')
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(selectedName()).toBe('search')
    fireEvent.keyDown(box, { key: 'Escape' })
    expect(screen.queryByRole('textbox')).toBeNull()
    expect(document.activeElement).toBe(screen.getByRole('tree'))
    expect(row('retry-search').className).not.toContain('match')
  })

  test('a span selected from outside inside a collapsed subtree is revealed', () => {
    const { rerender } = render(<SpanTree trace={TRACE} spans={SPANS} selectedId="agent" onSelect={() => {}} />)
    press('ArrowLeft')
    expect(names()).toEqual(['agent'])
    rerender(<SpanTree trace={TRACE} spans={SPANS} selectedId="fetch-error" onSelect={() => {}} />)
    expect(names()).toContain('fetch-error')
    expect(selectedName()).toBe('fetch-error')
  })

  test('`f` asks for feedback; clicking a row selects it', () => {
    const onFeedbackKey = vi.fn()
    render(<Harness onFeedbackKey={onFeedbackKey} />)
    fireEvent.click(row('answer'))
    expect(selectedName()).toBe('answer')
    press('f')
    expect(onFeedbackKey).toHaveBeenCalledOnce()
  })

  test('waterfall bars sit at their offsets; zoom stretches them; hover tells name, duration and start', () => {
    render(<Harness />)
    const bar = (id: string) => within(row(id)).getByTestId('span-bar')
    expect(bar('answer').style.left).toBe('50%')
    expect(bar('answer').style.width).toBe('50%')
    expect(bar('fetch-error').style.left).toBe('10%')
    expect(bar('fetch-error').style.width).toBe('30%')
    // A running span reaches the end of the trace.
    expect(bar('retry-search').style.width).toBe('20%')
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    fireEvent.click(screen.getByRole('button', { name: 'Fit the whole trace' }))
    expect(bar('answer').style.left).toBe('50%')
    fireEvent.wheel(screen.getByRole('tree'), { ctrlKey: true, deltaY: -300, clientX: 0 })
    expect(parseFloat(bar('answer').style.width)).toBeGreaterThan(50)
    fireEvent.click(screen.getByRole('button', { name: 'Fit the whole trace' }))
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }))
    const before = parseFloat(bar('answer').style.left)
    // Shift+wheel pans later in time: bars move left. (The ruler has no width in jsdom: one pixel is the whole window.)
    fireEvent.wheel(screen.getByRole('tree'), { shiftKey: true, deltaY: 0.1 })
    expect(parseFloat(bar('answer').style.left)).toBeLessThan(before)
    fireEvent.pointerEnter(bar('fetch-error'), { clientX: 10, clientY: 10 })
    expect(screen.getByRole('tooltip').textContent).toBe('fetch-error300msstarts at +100mstimeout')
  })

  test('10,000 spans in a deep chain render only the rows in view', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => node(`s${i}`, i ? `s${i - 1}` : null, i, i < 9_999 ? 1 : 0, i / 10, 1000))
    const onSelected = vi.fn()
    render(<Harness spans={chain} onSelected={onSelected} />)
    expect(screen.getAllByRole('treeitem').length).toBeLessThan(60)
    // jsdom does not scroll, so the selected last row is checked through the callback.
    press('End')
    expect(onSelected).toHaveBeenLastCalledWith('s9999')
    press('Home')
    press('ArrowLeft')
    expect(names()).toEqual(['s0'])
  })
})
