import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { ClientProvider } from '../../api/ClientContext'
import { createFakeClient } from '../../test/fakeClient'
import { CompareView } from './CompareView'
import { sampleComparison, sampleRow, sampleRun } from './fixtures'

// Charts draw on a canvas, which jsdom has not; their data is tested in chartData.test.ts.
vi.mock('./charts/CompareCharts', () => ({ default: ({ scorers }: { scorers: string[] }) => <p>charts of {scorers.join(', ')}</p> }))

// jsdom has no layout: give the virtualized outputs list a viewport so its rows render.
beforeAll(() => {
  for (const prop of ['clientHeight', 'clientWidth'] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return this.dataset.testid === 'outputs-list' ? (prop === 'clientHeight' ? 600 : 800) : 0
      },
    })
  }
})

function setup() {
  const client = createFakeClient()
  const base = sampleRun('run-a', { gitCommit: 'aaaaaaa1111111111111111111111111111111111' })
  const cand = sampleRun('run-b', { gitCommit: 'bbbbbbb2222222222222222222222222222222222' }, 'b'.repeat(40))
  const baseRows = [sampleRow('r1', 'The printer is broken', 1), sampleRow('r2', 'same', 1), sampleRow('r3', 'kept', 0)]
  const candRows = [sampleRow('r1', 'The scanner is broken', 0), sampleRow('r2', 'same', 1), sampleRow('r3', '<img src=x onerror="alert(1)">', 1)]
  client.handle('evals.get', ({ runId }) => (runId === 'run-a' ? { run: base, rows: baseRows } : { run: cand, rows: candRows }))
  client.handle('evals.compare', () =>
    sampleComparison({
      regressions: [{ rowId: 'r1', scorer: 'mentions', from: 1, to: 0 }],
      improvements: [{ rowId: 'r3', scorer: 'mentions', from: 0, to: 1 }],
      changedOutputs: ['r1', 'r3'],
    }),
  )
  client.handle('evals.diff', ({ key }) => ({
    diff: {
      kind: 'prompt', status: 'changed', frontMatter: [],
      text: { stats: { added: 1, removed: 1 }, hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: [{ type: 'removed', text: `${key}: Triage: {{ticket}}`, oldLine: 1, newLine: null }, { type: 'added', text: 'Triage now: {{ticket}}', oldLine: null, newLine: 1 }] }] },
    },
  }))
  const onOpenTrace = vi.fn()
  const onOpenRun = vi.fn()
  render(
    <ClientProvider value={{ client, isMac: false }}>
      <CompareView baseline="run-a" candidates={['run-b']} onOpenTrace={onOpenTrace} onOpenRun={onOpenRun} initialListHeight={600} />
    </ClientProvider>,
  )
  return { client, onOpenTrace, onOpenRun }
}

describe('CompareView', () => {
  it('shows what changed: the prompt diff with counts, the unchanged slots and both commits', async () => {
    const { client } = setup()
    const prompt = await screen.findByTestId('change-prompt')
    expect(await within(prompt).findByText('+1 −1 lines')).toBeTruthy()
    expect(within(prompt).getByText(/Triage now:/)).toBeTruthy()
    expect(screen.getByText(/Unchanged:/).textContent).toContain('model')
    expect(screen.getByText('aaaaaaa')).toBeTruthy()
    expect(screen.getByText('bbbbbbb')).toBeTruthy()
    // Only the changed slot is diffed, by the two runs (an imported run's versions may live only in its bundle).
    expect(client.calls.filter((c) => c.name === 'evals.diff').map((c) => c.request)).toEqual([{ baseline: 'run-a', candidate: 'run-b', key: 'prompt', limit: 200 }])
    expect(within(prompt).getByText(/prompt: Triage:/)).toBeTruthy()
  })

  it('marks a scorer delta beyond noise and opens runs from the scorecard', async () => {
    const { onOpenRun } = setup()
    const row = await screen.findByTestId('score-mentions')
    expect(row.textContent).toContain('−0.250')
    expect(within(row).getByText(/beyond noise/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: /Candidate/ }))
    expect(onOpenRun).toHaveBeenCalledWith('run-b')
  })

  it('opens on the regressed rows with changed words highlighted, as text', async () => {
    setup()
    const list = await screen.findByTestId('outputs-list')
    expect(screen.getByRole('radio', { name: /Regressed/ }).getAttribute('aria-checked')).toBe('true')
    const marks = [...list.querySelectorAll('mark')].map((m) => m.textContent)
    expect(marks).toEqual(['printer', 'scanner'])
    fireEvent.click(screen.getByRole('radio', { name: /All/ }))
    await waitFor(() => expect(list.querySelectorAll('[data-row]')).toHaveLength(3))
    // Outputs are text: markup in an output is shown, never made into elements.
    expect(list.querySelector('img')).toBeNull()
    expect(list.textContent).toContain('<img src=x onerror="alert(1)">')
  })

  it('selects a row from the improvements list, switching the filter when needed, and opens its traces', async () => {
    const { onOpenTrace } = setup()
    const improvements = await screen.findByRole('list', { name: 'Improvements' })
    fireEvent.click(within(improvements).getByRole('button'))
    await waitFor(() => expect(screen.getByRole('radio', { name: /All/ }).getAttribute('aria-checked')).toBe('true'))
    const selected = screen.getByTestId('outputs-list').querySelector('.ec-selected')!
    expect(selected.getAttribute('data-row')).toBe('r3')
    fireEvent.click(within(selected as HTMLElement).getByRole('button', { name: 'Open candidate trace of r3' }))
    expect(onOpenTrace).toHaveBeenCalledWith('trace-r3')
  })

  it('loads the charts lazily', async () => {
    setup()
    expect(await screen.findByText('charts of mentions')).toBeTruthy()
  })

  it('says when a run cannot be read', async () => {
    const client = createFakeClient()
    render(
      <ClientProvider value={{ client, isMac: false }}>
        <CompareView baseline="x" candidates={['y']} onOpenTrace={() => {}} onOpenRun={() => {}} />
      </ClientProvider>,
    )
    expect((await screen.findByRole('alert')).textContent).toMatch(/Could not compare/)
  })
})
