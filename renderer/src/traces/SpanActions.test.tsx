import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../../common/errors'
import { useAppStore } from '../app/useAppStore'
import { createFakeClient, sampleProject, type FakeClient } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'

beforeEach(resetAppState)

const T0 = 1_800_000_000_000
const span = {
  id: 's1', traceId: 't1', parentId: null, name: 'answer', kind: 'llm' as const, startMs: T0, endMs: T0 + 100, status: 'ok' as const, error: null,
  inputs: { question: 'Where is my parcel?', id: 'ignored' }, output: { text: 'On its way.', finishReason: 'stop' }, attributes: {}, usage: {}, costUsd: null,
  sessionId: null, inputTokens: 0, outputTokens: 0,
}

function client(): FakeClient {
  const c = createFakeClient({ project: sampleProject() })
  c.handle('ingest.info', () => ({ url: 'http://127.0.0.1:4319', error: null, token: `weft_${'k'.repeat(32)}`, traceCount: 1 }))
  c.handle('traces.list', () => ({ traces: [], nextCursor: null }))
  c.handle('traces.get', () => ({
    trace: { traceId: 't1', rootSpanId: 's1', rootName: 'answer', rootKind: 'llm', startMs: T0, endMs: T0 + 100, latencyMs: 100, status: 'ok', spanCount: 1, errorCount: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0, sessionId: null, inputsPreview: null, outputPreview: null, feedback: { count: 0, up: 0, down: 0, scores: {} } },
    spans: [{ id: 's1', parentId: null, name: 'answer', kind: 'llm', startMs: T0, endMs: T0 + 100, status: 'ok', error: null, inputTokens: 0, outputTokens: 0, costUsd: null, subtreeLatencyMs: 100, subtreeTokens: 0, subtreeCostUsd: 0, subtreeErrorCount: 0, depth: 0, childCount: 0 }],
  }) as never)
  c.handle('spans.get', () => ({ span }))
  let stored: Array<Record<string, unknown>> = []
  c.handle('feedback.list', () => ({ feedback: stored }) as never)
  c.handle('feedback.add', (request) => {
    const item = { id: `f${stored.length}`, traceId: 't1', spanId: 's1', name: request.name ?? request.kind, value: 'value' in request ? request.value : null, note: request.note, by: null, createdMs: T0, source: 'ui', kind: request.kind }
    stored = [...stored, item]
    return item as never
  })
  c.handle('feedback.remove', ({ id }) => {
    stored = stored.filter((f) => f.id !== id)
    return { removed: true }
  })
  return c
}

async function openSpan(c: FakeClient) {
  window.location.hash = '#/traces/t1/s1'
  useAppStore.setState({ section: 'traces' })
  renderApp(c)
  await screen.findByTestId('feedback-panel')
}

describe('span actions', () => {
  it('adds thumbs, notes and scores, and removes them', async () => {
    const c = client()
    await openSpan(c)
    fireEvent.click(screen.getByRole('button', { name: 'Thumbs up' }))
    fireEvent.change(screen.getByRole('textbox', { name: 'Score name' }), { target: { value: 'correctness' } })
    fireEvent.change(screen.getByRole('textbox', { name: 'Score value' }), { target: { value: '0.5' } })
    fireEvent.click(screen.getByRole('button', { name: 'Score' }))
    const panel = screen.getByTestId('feedback-panel')
    await waitFor(() => expect(within(panel).getByText('correctness: 0.5')).toBeTruthy())
    expect(c.calls.filter((x) => x.name === 'feedback.add').map((x) => x.request)).toEqual([
      { traceId: 't1', spanId: 's1', kind: 'thumbs', value: 1 },
      { traceId: 't1', spanId: 's1', kind: 'score', name: 'correctness', value: 0.5 },
    ])
    fireEvent.click(within(panel).getByRole('button', { name: 'Remove Good' }))
    await waitFor(() => expect(within(panel).queryByText('Good', { selector: 'li span' })).toBeNull())
    window.location.hash = ''
  })

  it('adds the span to a new dataset, input fields and expected answer editable', async () => {
    const c = client()
    c.handle('objects.get', () => {
      throw new WeftError('NOT_FOUND', 'No dataset named from-traces')
    })
    c.handle('objects.save', (request) => ({ version: { digest: 'a'.repeat(40), n: 1, ref: 'dataset:from-traces@v1' }, commit: 'b'.repeat(40), created: true, saved: request }) as never)
    await openSpan(c)
    fireEvent.click(screen.getByRole('button', { name: 'Add to dataset' }))
    const dialog = await screen.findByTestId('add-to-dataset')
    await waitFor(() => expect((within(dialog).getByRole('combobox', { name: 'Dataset' }) as HTMLSelectElement).value).toBe('\u0000new'))
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'New dataset name' }), { target: { value: 'from-traces' } })
    expect(JSON.parse((within(dialog).getByRole('textbox', { name: 'Input fields' }) as HTMLTextAreaElement).value)).toEqual({ question: 'Where is my parcel?' })
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Expected answer' }), { target: { value: 'On its way, arriving Friday.' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add row' }))
    await waitFor(() => expect(screen.queryByTestId('add-to-dataset')).toBeNull())
    const save = c.calls.find((x) => x.name === 'objects.save')!.request as { name: string; content: string; baseVersion: string | null }
    expect(save).toMatchObject({ name: 'from-traces', baseVersion: null })
    expect(JSON.parse(save.content)).toMatchObject({ question: 'Where is my parcel?', expected: 'On its way, arriving Friday.', source_span: 't1/s1' })
    expect(await screen.findByText('Added a row to dataset:from-traces (v1)')).toBeTruthy()
    window.location.hash = ''
  })
})
