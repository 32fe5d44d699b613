import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ResponseOf } from '../../../common/contract'
import { useAppStore } from '../app/useAppStore'
import { loadSettings } from '../state/uiState'
import { createFakeClient, sampleProject } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'

beforeEach(resetAppState)

// jsdom has no layout: give the virtualized lists a viewport so their rows render.
beforeAll(() => {
  for (const prop of ['clientHeight', 'clientWidth'] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return this.getAttribute('role') === 'listbox' || this.getAttribute('role') === 'tree' ? (prop === 'clientHeight' ? 600 : 400) : 0
      },
    })
  }
})

type Summary = ResponseOf<'traces.list'>['traces'][number]
type Node = ResponseOf<'traces.get'>['spans'][number]

const summary = (traceId: string, rootName: string, extra: Partial<Summary> = {}): Summary => ({
  traceId, rootSpanId: `${traceId}-root`, rootName, rootKind: 'chain', startMs: 1_800_000_000_000, endMs: 1_800_000_001_200, latencyMs: 1200,
  status: 'ok', spanCount: 2, errorCount: 0, inputTokens: 30, outputTokens: 12, totalTokens: 42, costUsd: 0.0021, sessionId: null,
  inputsPreview: null, outputPreview: null, feedback: { count: 0, up: 0, down: 0, scores: {} }, ...extra,
})
const node = (id: string, name: string, depth: number, extra: Partial<Node> = {}): Node => ({
  id, parentId: depth ? 'root' : null, name, kind: 'chain', startMs: 1_800_000_000_000, endMs: 1_800_000_001_200, status: 'ok', error: null,
  inputTokens: 0, outputTokens: 0, costUsd: null, subtreeLatencyMs: 1200, subtreeTokens: 42,
  subtreeCostUsd: 0, subtreeErrorCount: 0, depth, childCount: depth ? 0 : 1, ...extra,
})

function withTraces(list: Summary[]) {
  const client = createFakeClient({ project: sampleProject() })
  let traces = list
  client.handle('ingest.info', () => ({ url: 'http://127.0.0.1:4319', error: null, token: `weft_${'k'.repeat(32)}`, traceCount: traces.length }))
  client.handle('traces.list', () => ({ traces, nextCursor: null }))
  client.handle('traces.get', ({ traceId }) => ({
    trace: traces.find((t) => t.traceId === traceId)!,
    spans: [node('root', 'answer', 0), node('llm', 'chat', 1, { kind: 'llm' })],
  }))
  client.handle('spans.get', ({ spanId }) => ({
    span: {
      id: spanId, traceId: 't1', parentId: null, name: spanId === 'llm' ? 'chat' : 'answer', kind: 'llm', startMs: 1_800_000_000_000, endMs: 1_800_000_001_200,
      status: 'ok', error: null, inputs: { question: '<script>alert(1)</script>' }, output: '<img src="http://example.com/x.png">', attributes: {},
      usage: { 'gpt-x': { inputTokens: 30, outputTokens: 12 } }, costUsd: null, sessionId: null, inputTokens: 30, outputTokens: 12,
    },
  }))
  client.handle('feedback.list', () => ({ feedback: [] }))
  return { client, setTraces: (next: Summary[]) => (traces = next) }
}

describe('Traces section', () => {
  it('shows where to send spans, with the token hidden until asked', async () => {
    const { client } = withTraces([])
    renderApp(client)
    fireEvent.click(await screen.findByTestId('section-traces'))
    expect(await screen.findByTestId('ingest-url')).toHaveProperty('textContent', 'http://127.0.0.1:4319')
    expect(screen.getByTestId('ingest-token').textContent).not.toContain('k'.repeat(32))
    expect(screen.getByTestId('connect-snippet').textContent).toContain('WEFT_TOKEN=<token>')
    fireEvent.click(screen.getByRole('button', { name: 'Show' }))
    expect(screen.getByTestId('ingest-token').textContent).toBe(`weft_${'k'.repeat(32)}`)
    fireEvent.click(screen.getByRole('tab', { name: 'W&B Weave' }))
    expect(screen.getByTestId('connect-snippet').textContent).toContain('WF_TRACE_SERVER_URL=http://127.0.0.1:4319')
  })

  it('lists traces, refreshes when spans arrive, and shows a span as text only', async () => {
    const { client, setTraces } = withTraces([summary('t1', 'answer')])
    renderApp(client)
    fireEvent.click(await screen.findByTestId('section-traces'))
    expect(await screen.findByText('answer')).toBeTruthy()
    setTraces([summary('t2', 'second run'), summary('t1', 'answer')])
    act(() => client.emit('traces.added', { dir: sampleProject().dir, traceIds: ['t2'], spans: 3 }))
    expect(await screen.findByText('second run', undefined, { timeout: 3000 })).toBeTruthy()
    expect(screen.getByTestId('traces-live').textContent).toContain('3 new spans')

    fireEvent.click(within(screen.getByTestId('trace-list')).getByRole('option', { name: /answer/ }))
    const tree = await screen.findByTestId('span-tree')
    expect(tree.textContent).toContain('chat')
    fireEvent.click(screen.getByRole('treeitem', { name: /chat/ }))
    await waitFor(() => expect(screen.getByTestId('span-usage').textContent).toMatch(/gpt-x.*30.*12/))
    expect(screen.getByTestId('span-inputs').textContent).toContain('<script>alert(1)</script>')
    expect(document.querySelector('.span-detail script, .span-detail img')).toBeNull()
  })

  it('imports a dataset the Weave SDK saved, under a Weft name', async () => {
    const { client } = withTraces([])
    client.handle('weave.datasets', () => ({
      datasets: [
        { name: 'qa set', digest: 'd1', versionIndex: 0, rowCount: 2, createdMs: 1, projectId: 'ent/app', description: null },
        { name: 'qa set', digest: 'd2', versionIndex: 1, rowCount: 3, createdMs: 2, projectId: 'ent/app', description: null },
      ],
    }))
    client.handle('weave.importDataset', ({ as }) => ({ version: { digest: 'a'.repeat(40), n: 1, ref: `dataset:${as}@v1`, kind: 'dataset', name: as, at: '', message: '', labels: [] }, commit: 'b'.repeat(40), created: true, rows: 3, columns: ['id', 'q'] }) as never)
    renderApp(client)
    fireEvent.click(await screen.findByTestId('section-traces'))
    fireEvent.click(await screen.findByRole('tab', { name: 'W&B Weave' }))
    const input = await screen.findByRole('textbox', { name: 'Weft dataset name for qa set' })
    expect((input as HTMLInputElement).value).toBe('qa-set')
    expect(screen.getByText(/v1 · 3 rows/)).toBeTruthy()
    fireEvent.change(input, { target: { value: 'arith' } })
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    await waitFor(() => expect(client.calls.some((c) => c.name === 'weave.importDataset')).toBe(true))
    expect(client.calls.find((c) => c.name === 'weave.importDataset')?.request).toEqual({ name: 'qa set', digest: 'd2', projectId: 'ent/app', as: 'arith' })
    expect(await screen.findByText('Imported 3 rows as dataset:arith v1')).toBeTruthy()
  })

  it('filters, pauses the live tail, groups by session and follows deep links', async () => {
    const { client, setTraces } = withTraces([summary('t1', 'answer', { sessionId: 's-1' }), summary('t3', 'other', { sessionId: 's-1' })])
    // As main.tsx boots on a deep link: the section from the hash, the hash kept whole.
    window.location.hash = '#/traces/t1/llm'
    useAppStore.setState({ section: 'traces' })
    renderApp(client)
    // The deep link opens the trace and the span it names.
    await waitFor(() => expect(client.calls.some((c) => c.name === 'spans.get' && (c.request as { spanId: string }).spanId === 'llm')).toBe(true))
    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'error' } })
    await waitFor(() => expect(client.calls.some((c) => c.name === 'traces.list' && (c.request as { status?: string }).status === 'error')).toBe(true))
    fireEvent.change(screen.getByRole('textbox', { name: 'Min latency (ms)' }), { target: { value: 'slow' } })
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'a number, 0 or more')
    fireEvent.change(screen.getByRole('textbox', { name: 'Min latency (ms)' }), { target: { value: '' } })
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull())
    fireEvent.click(screen.getByRole('checkbox', { name: /sessions/ }))
    expect(await screen.findByText('Session s-1 · 2')).toBeTruthy()
    // Paused: arrivals are counted, not shown; resuming shows them.
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }))
    setTraces([summary('t2', 'late arrival')])
    act(() => client.emit('traces.added', { dir: sampleProject().dir, traceIds: ['t2'], spans: 1 }))
    expect(await screen.findByRole('button', { name: 'Resume (1 new)' }, { timeout: 3000 })).toBeTruthy()
    expect(screen.queryByText('late arrival')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Resume (1 new)' }))
    expect(await screen.findByText('late arrival')).toBeTruthy()
    window.location.hash = ''
  })

  it('saves the current filters as a view and applies it later', async () => {
    const { client } = withTraces([summary('t1', 'answer')])
    useAppStore.setState({ section: 'traces' })
    renderApp(client)
    await screen.findByTestId('trace-list')
    fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), { target: { value: 'llm' } })
    const prompt = vi.spyOn(window, 'prompt').mockReturnValue('LLM calls')
    fireEvent.change(screen.getByRole('combobox', { name: 'Saved views' }), { target: { value: '+' } })
    await waitFor(async () => expect((await loadSettings()).traceViews).toEqual([{ name: 'LLM calls', filters: expect.objectContaining({ kind: 'llm' }) }]))
    fireEvent.change(screen.getByRole('combobox', { name: 'Saved views' }), { target: { value: 'reset' } })
    await waitFor(() => expect((screen.getByRole('combobox', { name: 'Kind' }) as HTMLSelectElement).value).toBe(''))
    expect(within(screen.getByRole('combobox', { name: 'Saved views' })).getByRole('option', { name: 'LLM calls' })).toBeTruthy()
    fireEvent.change(screen.getByRole('combobox', { name: 'Saved views' }), { target: { value: 'LLM calls' } })
    await waitFor(() => expect((screen.getByRole('combobox', { name: 'Kind' }) as HTMLSelectElement).value).toBe('llm'))
    prompt.mockRestore()
  })
})
