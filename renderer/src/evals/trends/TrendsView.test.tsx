import { fireEvent, render, screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { ClientProvider } from '../../api/ClientContext'
import { createFakeClient } from '../../test/fakeClient'
import { sampleRun } from '../compare/fixtures'
import { TrendsView } from './TrendsView'
import { trendPoints } from './trendModel'

// Charts draw on a canvas, which jsdom has not.
vi.mock('./TrendCharts', () => ({ default: ({ points, axis }: { points: unknown[]; axis: string }) => <p>{points.length} points by {axis}</p> }))

const summary = (mean: number) => ({ rows: 2, errors: 0, scorers: { mentions: { mean, passRate: mean, low: null, high: null, scored: 2 } }, latencyP50Ms: 120, latencyP95Ms: 300, tokens: 10, costUsd: 0.02 })
const runs = [
  sampleRun('r3', { startedMs: 3000, gitCommit: 'c2'.padEnd(40, '0'), summary: summary(0.9) }),
  sampleRun('r2', { startedMs: 2000, gitCommit: 'c1'.padEnd(40, '0'), summary: summary(0.7) }),
  sampleRun('r1', { startedMs: 1000, gitCommit: 'c1'.padEnd(40, '0'), summary: summary(0.5) }),
  sampleRun('r0', { startedMs: 500, status: 'cancelled', summary: null }),
]

describe('TrendsView', () => {
  it('plots finished runs by time, or each commit’s newest run by commit', () => {
    expect(trendPoints(runs, 'time').map((p) => p.runId)).toEqual(['r1', 'r2', 'r3'])
    expect(trendPoints(runs, 'commit').map((p) => [p.runId, p.x, p.label])).toEqual([['r2', 0, 'c100000'], ['r3', 1, 'c200000']])
  })

  it('asks for the evaluation’s runs, toggles the axis and opens a run from the table', async () => {
    const client = createFakeClient()
    client.handle('evals.runs', () => ({ runs }))
    const onOpenRun = vi.fn()
    render(
      <ClientProvider value={{ client, isMac: false }}>
        <TrendsView name="triage" onOpenRun={onOpenRun} />
      </ClientProvider>,
    )
    expect(await screen.findByText('3 points by time')).toBeTruthy()
    expect(client.calls.find((c) => c.name === 'evals.runs')?.request).toMatchObject({ name: 'triage' })
    const table = screen.getByRole('table', { name: 'Runs' })
    expect(within(table).getAllByRole('row')).toHaveLength(4)
    fireEvent.click(screen.getByRole('radio', { name: 'By commit' }))
    expect(await screen.findByText('2 points by commit')).toBeTruthy()
    fireEvent.click(within(table).getByRole('button', { name: 'c200000' }))
    expect(onOpenRun).toHaveBeenCalledWith('r3')
  })

  it('says when there is nothing to plot', async () => {
    const client = createFakeClient()
    client.handle('evals.runs', () => ({ runs: [] }))
    render(
      <ClientProvider value={{ client, isMac: false }}>
        <TrendsView name="triage" onOpenRun={() => {}} />
      </ClientProvider>,
    )
    expect(await screen.findByText('No finished runs of triage yet.')).toBeTruthy()
  })
})
