import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ResponseOf } from '../../../common/contract'
import { createFakeClient, entry, sampleProject } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { resetEvals } from './useEvalsStore'

type Run = ResponseOf<'evals.runs'>['runs'][number]
type Row = ResponseOf<'evals.get'>['rows'][number]

beforeEach(async () => {
  await resetAppState()
  resetEvals()
})

// jsdom has no layout: give the results table a viewport so its rows render.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.testid === 'results-body' ? 600 : 0
    },
  })
})

const summary = (mentions: number): NonNullable<Run['summary']> => ({
  rows: 3, errors: 1, tokens: 120, costUsd: 0.0012, latencyP50Ms: 200, latencyP95Ms: 900,
  scorers: { mentions: { mean: mentions, passRate: mentions, low: 0.2, high: 0.9, scored: 2 } },
  overall: { passed: 1, passRate: 0.33, low: 0.06, high: 0.79 },
})
const run = (id: string, name: string, extra: Partial<Run> = {}): Run => ({
  id, name, definition: {}, gitCommit: 'c'.repeat(40), status: 'finished', source: 'weft', startedMs: 1_800_000_000_000, endedMs: 1_800_000_010_000, total: 3,
  pinned: { dataset: 'dataset:tickets@' + 'd'.repeat(40), prompt: 'prompt:triage@' + 'a'.repeat(40), model: 'model:fast@' + 'b'.repeat(40) },
  summary: summary(0.5), ...extra,
})
const row = (rowId: string, extra: Partial<Row> = {}): Row => ({
  rowId, trial: 0, output: `about ${rowId}`, error: null, latencyMs: 120, tokens: 40, costUsd: 0.0004, traceId: `trace-${rowId}`,
  scores: { mentions: { score: 1, pass: true, reason: 'contains refund' } }, ...extra,
})
const DATASET = ['{"id":"r1","ticket":"refund please","expected":"refund"}', '{"id":"r2","ticket":"printer","expected":"refund"}', '{"id":"r3","ticket":"broken","expected":"refund"}'].join('\n')
const ROWS = [
  row('r1'),
  row('r2', { output: '<img src="http://example.com/x.png">', scores: { mentions: { score: 0, pass: false, reason: 'contains none of refund' } } }),
  row('r3', { error: 'provider timed out', output: null, scores: { mentions: null } }),
]

function setup(runs: Run[]) {
  const client = createFakeClient({ project: sampleProject(), objects: [entry('evaluation', 'triage'), entry('evaluation', 'tone')] })
  let list = runs
  client.handle('evals.runs', () => ({ runs: list }))
  client.handle('evals.get', ({ runId }) => ({ run: list.find((r) => r.id === runId)!, rows: ROWS }))
  client.handle('objects.get', ({ ref }) => ({ resolved: { kind: 'dataset', name: 'tickets', digest: 'd'.repeat(40), n: 1, via: 'digest', ref }, content: DATASET }))
  client.handle('evals.run', () => new Promise(() => {}))
  client.handle('evals.cancel', () => ({ cancelled: true }))
  return { client, setRuns: (next: Run[]) => (list = next) }
}

async function openSection(client: ReturnType<typeof setup>['client'], hash = '#/evaluations') {
  window.location.hash = hash
  renderApp(client)
  await screen.findByRole('heading', { name: 'Evaluations', level: 1 })
}

const callsOf = (client: ReturnType<typeof setup>['client'], name: string) => client.calls.filter((c) => c.name === name).map((c) => c.request)

describe('Evaluations section', () => {
  it('says how to start when there are no runs, and keeps the saved evaluations reachable', async () => {
    const { client } = setup([])
    await openSection(client)
    expect(await screen.findByText('No runs yet — run an evaluation')).toBeTruthy()
    const saved = await screen.findByRole('list', { name: 'Saved evaluations' })
    expect(within(saved).getByRole('link', { name: 'Trends of triage' }).getAttribute('href')).toBe('#/evaluations/trends/triage')
    fireEvent.click(within(saved).getByRole('button', { name: 'Run tone' }))
    expect(callsOf(client, 'evals.run')).toEqual([{ name: 'tone' }])
  })

  it('picks up runs made outside the window (SDK, Weave) when their traces arrive', async () => {
    const { client, setRuns } = setup([])
    await openSection(client)
    await screen.findByText('No runs yet — run an evaluation')
    const before = callsOf(client, 'evals.runs').length
    setRuns([run('r-9', 'from-sdk', { source: 'sdk' })])
    act(() => client.emit('traces.added', { dir: '/p', traceIds: ['t'], spans: 3 }))
    act(() => client.emit('traces.added', { dir: '/p', traceIds: ['u'], spans: 3 }))
    const list = await screen.findByRole('list', { name: 'Evaluation runs' }, { timeout: 4000 })
    expect(within(list).getAllByTestId('eval-run')[0]!.textContent).toMatch(/from-sdk/)
    // Two arrivals, one reload.
    expect(callsOf(client, 'evals.runs').length - before).toBe(1)
  })

  it('lists runs newest first, filters by evaluation, and compares ticked runs', async () => {
    const { client } = setup([run('r-3', 'triage', { status: 'cancelled' }), run('r-2', 'tone', { source: 'sdk' }), run('r-1', 'triage')])
    await openSection(client)
    const list = await screen.findByRole('list', { name: 'Evaluation runs' })
    await waitFor(() => expect(within(list).getAllByTestId('eval-run')).toHaveLength(3))
    const items = within(list).getAllByTestId('eval-run')
    expect(items[0]!.textContent).toMatch(/triage.*cancelled/)
    expect(items[1]!.textContent).toMatch(/tone.*finished.*sdk/)
    expect(items[2]!.textContent).toContain('mentions 50.0%')
    fireEvent.change(screen.getByLabelText('Filter runs by evaluation'), { target: { value: 'tone' } })
    expect(within(list).getAllByTestId('eval-run')).toHaveLength(1)
    fireEvent.change(screen.getByLabelText('Filter runs by evaluation'), { target: { value: '' } })

    const compare = screen.getByRole('button', { name: /^Compare/ })
    expect(compare).toHaveProperty('disabled', true)
    fireEvent.click(screen.getByLabelText('Compare triage r-1'))
    fireEvent.click(screen.getByLabelText('Compare triage r-3'))
    fireEvent.click(screen.getByLabelText('Compare tone r-2'))
    fireEvent.click(screen.getByRole('button', { name: 'Compare (3)' }))
    expect(window.location.hash).toBe('#/evaluations/compare/r-1/r-3,r-2')
    // The comparison view (loaded on demand) takes over and compares the runs.
    client.handle('evals.compare', () => ({ scorers: {}, regressions: [], improvements: [], changedOutputs: [], onlyInBaseline: [], onlyInCandidate: [] }))
    expect(await screen.findByTestId('compare-view', {}, { timeout: 5000 })).toBeTruthy()
  })

  it('shows live progress from evals.progress, cancels, and resumes a cancelled run', async () => {
    const { client, setRuns } = setup([run('r-1', 'triage', { status: 'running', summary: null, total: 10 })])
    await openSection(client, '#/evaluations/run/r-1')
    await screen.findByTestId('run-view')
    act(() => client.emit('evals.progress', { runId: 'r-1', name: 'triage', done: 3, total: 10, errors: 1, means: { mentions: 0.667 }, etaMs: 2000, state: 'running' }))
    await waitFor(() => expect(screen.getAllByTestId('eval-progress')[0]!.textContent).toBe('3/10 · 1 error · 2s left'))
    expect(screen.getAllByTestId('eval-progress')[1]!.textContent).toContain('mentions 0.667')
    act(() => client.emit('evals.progress', { runId: 'r-1', name: 'triage', done: 7, total: 10, errors: 2, means: { mentions: 0.5 }, etaMs: 900, state: 'running' }))
    await waitFor(() => expect(screen.getAllByTestId('eval-progress')[0]!.textContent).toBe('7/10 · 2 errors · under 1s left'))

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(callsOf(client, 'evals.cancel')).toEqual([{ runId: 'r-1' }]))
    const listed = callsOf(client, 'evals.runs').length
    setRuns([run('r-1', 'triage', { status: 'cancelled' })])
    act(() => client.emit('evals.progress', { runId: 'r-1', name: 'triage', done: 7, total: 10, errors: 2, means: { mentions: 0.5 }, etaMs: null, state: 'cancelled' }))
    await waitFor(() => expect(callsOf(client, 'evals.runs').length).toBeGreaterThan(listed))
    fireEvent.click(await screen.findByRole('button', { name: 'Resume' }))
    expect(callsOf(client, 'evals.run')).toEqual([{ name: 'triage', resume: 'r-1' }])
  })

  it('shows one run: summary, rows as text, filters, trace links and feedback on the root span', async () => {
    const { client } = setup([run('r-1', 'triage')])
    client.handle('traces.get', () => ({ trace: {} as never, spans: [{ id: 'root-span' } as never] }))
    client.handle('feedback.add', (request) => ({ id: 'f1', traceId: request.traceId, spanId: request.spanId, kind: request.kind, name: 'thumbs', value: 1 }) as never)
    await openSection(client, '#/evaluations/run/r-1')
    const summaryBox = await screen.findByTestId('run-summary')
    expect(summaryBox.textContent).toMatch(/mentions0\.50050\.0%\[0\.20, 0\.90\]2/)
    expect(summaryBox.textContent).toContain('triage@aaaaaaa')
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(3))
    const [first, second, third] = screen.getAllByTestId('result-row')
    expect(first!.textContent).toContain('ticket: refund please')
    expect(second!.textContent).toContain('<img src="http://example.com/x.png">')
    expect(document.querySelector('.eval-table img')).toBeNull()
    expect(third!.textContent).toContain('provider timed out')
    expect(within(second!).getByText('✗ 0').getAttribute('title')).toBe('contains none of refund')
    expect(within(first!).getByRole('link', { name: 'Open the trace of row r1' }).getAttribute('href')).toBe('#/traces/trace-r1')

    fireEvent.click(screen.getByLabelText('Failed'))
    await waitFor(() => expect(screen.getAllByTestId('result-row').map((r) => r.textContent?.slice(0, 2))).toEqual(['r2']))
    fireEvent.click(screen.getByLabelText('Failed'))
    fireEvent.click(screen.getByLabelText('Errored'))
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(1))
    fireEvent.click(screen.getByLabelText('Errored'))
    fireEvent.change(screen.getByLabelText('Scorer below threshold'), { target: { value: 'mentions' } })
    fireEvent.change(screen.getByLabelText('Threshold'), { target: { value: '0.5' } })
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(2))
    fireEvent.change(screen.getByLabelText('Scorer below threshold'), { target: { value: '' } })
    fireEvent.change(screen.getByLabelText('Search rows'), { target: { value: 'PRINTER' } })
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(1))
    fireEvent.change(screen.getByLabelText('Search rows'), { target: { value: 'nothing like this' } })
    expect(await screen.findByText('No rows match')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }))

    fireEvent.click(await screen.findByRole('button', { name: 'Thumbs down on row r2' }))
    await waitFor(() => expect(callsOf(client, 'feedback.add')).toEqual([{ traceId: 'trace-r2', spanId: 'root-span', kind: 'thumbs', value: -1 }]))
    fireEvent.click(screen.getAllByTestId('result-row')[0]!)
    const detail = await screen.findByTestId('row-detail')
    expect(detail.textContent).toContain('contains refund')
    fireEvent.change(within(detail).getByLabelText('Note on this row'), { target: { value: 'good catch' } })
    fireEvent.click(within(detail).getByRole('button', { name: 'Add note' }))
    await waitFor(() => expect(callsOf(client, 'feedback.add')[1]).toEqual({ traceId: 'trace-r1', spanId: 'root-span', kind: 'note', note: 'good catch' }))
  })

  it('shows why a run cannot open', async () => {
    const { client } = setup([])
    client.handle('evals.get', () => Promise.reject(new Error('No evaluation run nope')))
    await openSection(client, '#/evaluations/run/nope')
    expect((await screen.findByRole('alert')).textContent).toContain('Could not open run nope: No evaluation run nope')
  })

  it('runs a saved evaluation with concurrency, trials and --set overrides', async () => {
    const { client } = setup([])
    await openSection(client)
    const form = await screen.findByRole('region', { name: 'Run an evaluation' })
    await waitFor(() => expect(within(form).getByRole('button', { name: 'Run triage' })).toBeTruthy())
    fireEvent.change(within(form).getByLabelText('Evaluation'), { target: { value: 'tone' } })
    fireEvent.change(within(form).getByLabelText('Concurrency'), { target: { value: '8' } })
    fireEvent.change(within(form).getByLabelText('Trials'), { target: { value: '3' } })
    fireEvent.change(within(form).getByLabelText(/Overrides/), { target: { value: 'target.model=model:fast\n\nthresholds.mentions=0.2' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Run tone' }))
    expect(callsOf(client, 'evals.run')).toEqual([{ name: 'tone', concurrency: 8, trials: 3, set: ['target.model=model:fast', 'thresholds.mentions=0.2'] }])
  })

  it('composes a grid: saves one definition and starts one run per prompt × model', async () => {
    const { client } = setup([])
    const stored = (kind: 'prompt' | 'model' | 'dataset' | 'scorer', name: string) => ({ ...entry(kind, name), version: { digest: 'e'.repeat(40), n: 2 }, modified: false, labels: {} })
    client.handle('objects.list', ({ kind }) => ({ objects: { prompt: [stored('prompt', 'triage')], model: [stored('model', 'fast'), stored('model', 'offline')], dataset: [stored('dataset', 'tickets')], scorer: [] }[kind as 'prompt'] ?? [stored('evaluation' as never, 'triage')] }))
    const version = (n: number, labels: string[] = []) => ({ n, digest: String(n).repeat(40), commit: 'f'.repeat(40), time: '', author: '', email: '', message: '', labels, current: n === 2 })
    client.handle('objects.versions', () => ({ versions: [version(2, ['production']), version(1)] }))
    client.handle('objects.save', () => ({ version: { digest: 'a'.repeat(40) }, commit: 'b'.repeat(40), created: true }) as never)
    client.handle('evals.scorers', () => ({ scorers: [{ type: 'llm-judge', label: 'LLM as judge', description: 'A rubric', level: 'system', valueType: 'number', needsLlm: true }, { type: 'contains', label: 'Contains', description: '', level: 'system', valueType: 'boolean', needsLlm: false }] }))
    await openSection(client)
    fireEvent.click(await screen.findByRole('tab', { name: 'Compose a grid' }))
    // Every scorer type the engine has is offered (the ones without a starting form take YAML parameters).
    expect(await screen.findByRole('option', { name: 'LLM as judge (parameters in YAML)' })).toBeTruthy()
    fireEvent.change(await screen.findByLabelText('Name (evals/NAME.yaml)'), { target: { value: 'triage-grid' } })
    fireEvent.click(await screen.findByLabelText('triage v2 · production · current'))
    fireEvent.click(screen.getByLabelText('triage v1'))
    fireEvent.click(screen.getByLabelText('fast v2 · production · current'))
    fireEvent.click(screen.getByLabelText('offline v1'))
    fireEvent.click(screen.getByRole('button', { name: 'Add scorer' }))
    expect(screen.getByTestId('grid-yaml').textContent).toMatch(/dataset: dataset:tickets@v2\ntarget:\n {2}prompt: prompt:triage@v2\n {2}model: model:fast@v2/)
    fireEvent.click(screen.getByRole('button', { name: 'Save and start 4 runs' }))
    await waitFor(() => expect(callsOf(client, 'evals.run')).toHaveLength(4))
    const [save] = callsOf(client, 'objects.save') as { kind: string; name: string; content: string }[]
    expect(save).toMatchObject({ kind: 'evaluation', name: 'triage-grid' })
    expect(save!.content).toContain('- id: contains\n    type: contains\n  - id: equals-2\n    type: equals')
    expect(callsOf(client, 'evals.run')).toEqual([
      { name: 'triage-grid', set: ['target.prompt=prompt:triage@v2', 'target.model=model:fast@v2'] },
      { name: 'triage-grid', set: ['target.prompt=prompt:triage@v2', 'target.model=model:offline@v1'] },
      { name: 'triage-grid', set: ['target.prompt=prompt:triage@v1', 'target.model=model:fast@v2'] },
      { name: 'triage-grid', set: ['target.prompt=prompt:triage@v1', 'target.model=model:offline@v1'] },
    ])
    expect(await screen.findByText('Saved evals/triage-grid.yaml and started 4 runs.')).toBeTruthy()
  })

  it('exports a run as a download and imports a bundle', async () => {
    const { client, setRuns } = setup([run('r-1', 'triage')])
    client.handle('evals.export', ({ format }) => ({ filename: `triage.${format}`, mediaType: 'text/csv', content: 'rowId\nr1\n' }))
    client.handle('evals.import', () => ({ run: run('r-9', 'triage'), imported: true, rows: 3, spans: 6, objects: 3 }))
    const createObjectURL = vi.fn(() => 'blob:x')
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() })
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    await openSection(client, '#/evaluations/run/r-1')
    await screen.findByTestId('run-view')
    fireEvent.click(screen.getByRole('menuitem', { name: 'CSV' }))
    await waitFor(() => expect(createObjectURL).toHaveBeenCalled())
    expect(callsOf(client, 'evals.export')).toEqual([{ runId: 'r-1', format: 'csv' }])
    expect(click).toHaveBeenCalled()
    click.mockRestore()

    setRuns([run('r-9', 'triage'), run('r-1', 'triage')])
    const file = new File(['{"bundle":1}'], 'run.json', { type: 'application/json' })
    fireEvent.change(screen.getByTestId('import-run-file'), { target: { files: [file] } })
    await waitFor(() => expect(callsOf(client, 'evals.import')).toEqual([{ content: '{"bundle":1}' }]))
    await waitFor(() => expect(window.location.hash).toBe('#/evaluations/run/r-9'))
    expect(await screen.findByText('Imported triage (3 rows)')).toBeTruthy()
  })
})
