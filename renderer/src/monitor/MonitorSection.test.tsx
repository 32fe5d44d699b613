import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { RequestOf, ResponseOf } from '../../../common/contract'
import type { Alert } from '../../../common/schemas/monitor'
import { createFakeClient, sampleProject } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { dashboardCharts } from './chartSeries'
import { resetMonitor, useMonitorStore } from './useMonitorStore'

// Charts draw on a canvas, which jsdom has not; what they draw is tested through dashboardCharts below.
vi.mock('./MonitorCharts', () => ({ default: ({ result }: { result: ResponseOf<'monitor.query'> }) => <p data-testid="monitor-charts">charts: {dashboardCharts(result).map((c) => c.title).join(' | ')}</p> }))

type Result = ResponseOf<'monitor.query'>

beforeEach(async () => {
  await resetAppState()
  resetMonitor()
  useMonitorStore.setState({ view: { range: '24h', customFromMs: null, customToMs: null, groupBy: 'op', op: '', model: '', kind: '' } })
})

const totals = (count: number, errors: number) => ({
  count, errors, errorRate: count ? errors / count : null, meanMs: 120, p50Ms: 100, p95Ms: 450, p99Ms: 900, inputTokens: count * 10, outputTokens: count * 2, costUsd: count * 0.001,
})
const series = (counts: number[]) => ({
  count: counts, errors: counts.map(() => 0), errorRate: counts.map((c) => (c ? 0 : null)), p50Ms: counts.map(() => 100), p95Ms: counts.map(() => 450), p99Ms: counts.map(() => 900),
  inputTokens: counts.map((c) => c * 10), outputTokens: counts.map((c) => c * 2), costUsd: counts.map((c) => c * 0.001),
})
function result(groups: Array<[string, number, number]>, scores: Result['scores'] = []): Result {
  return {
    fromMs: 0, toMs: 3 * 60_000, bucketMs: 60_000, timestamps: [0, 60_000, 120_000], groupBy: 'op',
    groups: groups.map(([label, count, errors]) => ({ key: label, label, other: false, series: series([count, 0, 0]), totals: totals(count, errors) })),
    total: totals(groups.reduce((n, g) => n + g[1], 0), groups.reduce((n, g) => n + g[2], 0)), scores,
  }
}
const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 'a1', name: 'Errors over 20%', metric: 'errorRate', scoreName: null, op: null, model: null, comparator: '>', threshold: 0.2, windowMinutes: 5, enabled: true,
  state: 'ok', value: 0, changedMs: null, ...over,
})

function setup(initial: Result) {
  const client = createFakeClient({ project: sampleProject() })
  let answer = initial
  let alerts: Alert[] = []
  client.handle('monitor.query', () => answer)
  client.handle('monitor.ops', () => ({ ops: answer.groups.map((g) => ({ name: g.label, count: g.totals.count })), models: [{ name: 'gpt-x', count: 3 }], kinds: ['llm'], scores: [] }))
  client.handle('monitor.alerts', () => ({ alerts }))
  client.handle('monitor.saveAlert', (request) => {
    const saved = alert({ id: 'new', name: request.name, metric: request.metric, threshold: request.threshold, comparator: request.comparator, op: request.op ?? null })
    alerts = [...alerts, saved]
    return { alert: saved }
  })
  client.handle('monitor.deleteAlert', ({ id }) => {
    alerts = alerts.filter((a) => a.id !== id)
    return { deleted: true }
  })
  return { client, setAnswer: (next: Result) => (answer = next), setAlerts: (next: Alert[]) => (alerts = next) }
}

const queries = (client: ReturnType<typeof setup>['client']) => client.calls.filter((c) => c.name === 'monitor.query').map((c) => c.request as RequestOf<'monitor.query'>)

describe('Monitor section', () => {
  it('says how to send traces when nothing is stored, with a link to Traces → Connect', async () => {
    const { client } = setup({ ...result([]), groups: [] })
    window.location.hash = '#/monitor'
    renderApp(client)
    expect(await screen.findByText('No spans to monitor yet')).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Traces → Connect an app' }).getAttribute('href')).toBe('#/traces')
  })

  it('shows totals, charts and a per-op table, and refreshes (throttled) as spans arrive', async () => {
    const { client, setAnswer } = setup(result([['chat', 8, 2], ['lookup', 4, 0]]))
    window.location.hash = '#/monitor'
    renderApp(client)
    expect((await screen.findByTestId('monitor-total-count')).textContent).toBe('12')
    expect(screen.getByTestId('monitor-total-errors').textContent).toBe('2 (17%)')
    expect((await screen.findByTestId('monitor-charts')).textContent).toContain('Volume (spans per bucket) by op')
    const table = screen.getByTestId('monitor-table')
    expect(within(table).getAllByRole('row').map((r) => r.textContent)).toEqual([
      'opcounterrorserror ratep50p95p99tokens intokens outcost',
      'chat8225%100 ms450 ms900 ms8016$0.0080',
      'lookup400.0%100 ms450 ms900 ms408$0.0040',
    ])
    const before = queries(client).length
    setAnswer(result([['chat', 20, 2], ['lookup', 4, 0]]))
    act(() => {
      client.emit('traces.added', { dir: sampleProject().dir, traceIds: ['t'], spans: 5 })
      client.emit('traces.added', { dir: sampleProject().dir, traceIds: ['u'], spans: 5 })
    })
    await waitFor(() => expect(screen.getByTestId('monitor-total-count').textContent).toBe('24'), { timeout: 4000 })
    expect(queries(client).length).toBe(before + 1)
  })

  it('asks for the chosen range, grouping and filters; a row narrows the dashboard to its op', async () => {
    const { client } = setup(result([['chat', 8, 2]]))
    window.location.hash = '#/monitor'
    renderApp(client)
    await screen.findByTestId('monitor-table')
    fireEvent.click(screen.getByRole('radio', { name: '7d' }))
    await waitFor(() => expect(queries(client).at(-1)!.toMs - queries(client).at(-1)!.fromMs).toBe(7 * 24 * 3_600_000))
    fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), { target: { value: 'llm' } })
    await waitFor(() => expect(queries(client).at(-1)).toMatchObject({ kind: 'llm', groupBy: 'op' }))
    fireEvent.click(screen.getByRole('button', { name: 'chat' }))
    await waitFor(() => expect(queries(client).at(-1)).toMatchObject({ op: 'chat', groupBy: 'model', kind: 'llm' }))
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
    await waitFor(() => expect(queries(client).at(-1)).not.toHaveProperty('op'))
  })

  it('defines an alert (a rate typed in percent is sent as a fraction) and lists it with its state', async () => {
    const { client } = setup(result([['chat', 8, 2]]))
    window.location.hash = '#/monitor/alerts'
    renderApp(client)
    expect(await screen.findByText(/No alerts yet/)).toBeTruthy()
    fireEvent.change(screen.getByRole('textbox', { name: 'Name' }), { target: { value: 'Chat errors' } })
    await waitFor(() => expect(screen.getByRole('option', { name: 'chat' })).toBeTruthy())
    fireEvent.change(screen.getByRole('combobox', { name: 'Alert op' }), { target: { value: 'chat' } })
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Threshold' }), { target: { value: '20' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add alert' }))
    await waitFor(() => expect(client.calls.find((c) => c.name === 'monitor.saveAlert')?.request).toEqual({ name: 'Chat errors', metric: 'errorRate', op: 'chat', comparator: '>', threshold: 0.2, windowMinutes: 5, enabled: true }))
    const row = await screen.findByTestId('alert-new')
    expect(row.textContent).toContain('error rate > 20.0% over 5 min')
    fireEvent.click(within(row).getByRole('button', { name: 'Delete alert Chat errors' }))
    await waitFor(() => expect(screen.queryByTestId('alert-new')).toBeNull())
  })

  it('shows a banner in every section while an alert fires, linking to the dashboard', async () => {
    const { client, setAlerts } = setup(result([['chat', 8, 2]]))
    window.location.hash = '#/prompts'
    renderApp(client)
    await waitFor(() => expect(client.calls.some((c) => c.name === 'monitor.alerts')).toBe(true))
    expect(screen.queryByTestId('alert-banner')).toBeNull()
    const firing = alert({ state: 'firing', value: 0.4, changedMs: 1 })
    setAlerts([firing])
    act(() => client.emit('monitor.alert', { dir: sampleProject().dir, alert: firing, state: 'firing' }))
    const banner = await screen.findByTestId('alert-banner')
    expect(banner.textContent).toContain('Errors over 20%: error rate is 40.0% over the last 5 min (threshold > 20.0%)')
    // Another project's alert says nothing here.
    act(() => client.emit('monitor.alert', { dir: '/elsewhere', alert: alert({ id: 'x', name: 'other', state: 'firing' }), state: 'firing' }))
    expect(banner.textContent).not.toContain('other')
    fireEvent.click(within(banner).getByRole('link', { name: 'Open dashboard' }))
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Monitor' })).toBeTruthy())
    expect(screen.getByRole('tab', { name: /Alerts/ }).textContent).toBe('Alerts1')
    act(() => client.emit('monitor.alert', { dir: sampleProject().dir, alert: { ...firing, state: 'ok', value: 0 }, state: 'resolved' }))
    await waitFor(() => expect(screen.queryByTestId('alert-banner')).toBeNull())
  })
})

describe('dashboard charts', () => {
  it('draws volume, error rate, latency, tokens and cost per group, percentiles and token split when ungrouped, and online scores when there are some', () => {
    const grouped = dashboardCharts(result([['chat', 8, 2], ['lookup', 4, 0]]))
    expect(grouped.map((c) => [c.id, c.series.map((s) => s.label)])).toEqual([
      ['volume', ['chat', 'lookup']], ['errors', ['chat', 'lookup']], ['latency', ['chat', 'lookup']], ['tokens', ['chat', 'lookup']], ['cost', ['chat', 'lookup']],
    ])
    expect(grouped[1]!.series[0]!.values).toEqual([0, null, null])
    const scores: Result['scores'] = [{ name: 'polite/judge', mean: [0.5, null, 1], passRate: [0.5, null, 1], count: [2, 0, 1], totals: { count: 3, mean: 0.67, passRate: 0.67 } }]
    const single = dashboardCharts({ ...result([['all spans', 3, 0]], scores), groupBy: 'none' })
    expect(single.map((c) => [c.id, c.bars, c.series.map((s) => s.label)])).toEqual([
      ['volume', true, ['all spans']], ['errors', false, ['all spans']], ['latency', false, ['p50', 'p95', 'p99']], ['tokens', false, ['input', 'output']], ['cost', true, ['all spans']],
      ['scores', false, ['polite/judge']], ['pass', false, ['polite/judge']],
    ])
    expect(single.at(-1)!.series[0]!.values).toEqual([50, null, 100])
  })
})
