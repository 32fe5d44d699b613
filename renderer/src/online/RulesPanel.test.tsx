import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { WeftError } from '../../../common/errors'
import { ClientProvider } from '../api/ClientContext'
import { createFakeClient, entry, sampleProject, type FakeClient } from '../test/fakeClient'
import { FeedbackPanel } from '../traces/FeedbackPanel'
import { RulesPanel } from './RulesPanel'
import type { Rule } from './ruleDraft'

const counters = { matched: 0, sampled: 0, scored: 0, queued: 0, errors: 0, judgeTokens: 0, costUsd: 0, lastScoredMs: null, lastError: null }
const stored: Rule = {
  id: 'r1', name: 'helpfulness', filter: { name: 'chat.*', kind: 'llm', attributes: { env: 'production' } }, sampleRate: 0.25,
  scorers: [{ id: 'judge', type: 'llm-judge', params: { rubric: 'prompt:helpful', model: 'model:judge' } }], paused: false, createdMs: 1, updatedMs: 1,
  counters: { ...counters, matched: 40, sampled: 10, scored: 9, queued: 1, errors: 2, judgeTokens: 5400, costUsd: 0.0031, lastScoredMs: 1_800_000_000_000, lastError: 'judge: judge server: the judge is down' },
}

function client(rules: Rule[] = [stored]): FakeClient & { rules: Rule[] } {
  const c = createFakeClient({ project: sampleProject(), objects: [entry('prompt', 'helpful'), entry('model', 'judge'), entry('scorer', 'tone')] }) as FakeClient & { rules: Rule[] }
  c.rules = rules
  c.handle('online.rules', () => ({ rules: c.rules }))
  c.handle('objects.list', () => ({ objects: [entry('prompt', 'helpful'), entry('model', 'judge'), entry('scorer', 'tone')].map((o) => ({ ...o, version: null, labels: [], dirty: false })) }) as never)
  c.handle('evals.scorers', () => ({
    scorers: [
      { type: 'llm-judge', label: 'LLM as judge', description: '', level: 'system', valueType: 'number', needsLlm: true },
      { type: 'regex', label: 'Regex', description: '', level: 'system', valueType: 'boolean', needsLlm: false },
    ],
  }))
  return c
}

const renderPanel = (c: FakeClient) => render(<ClientProvider value={{ client: c, isMac: false }}><RulesPanel /></ClientProvider>)

describe('the online rules panel', () => {
  it('lists each rule with its filter, scorers and counters, and follows online.changed', async () => {
    const c = client()
    renderPanel(c)
    const row = await screen.findByTestId('online-rule-helpfulness')
    expect(row.textContent).toContain('chat.* · llm · env = production')
    expect(row.textContent).toContain('judge (llm-judge)')
    expect(row.textContent).toContain('25%')
    expect(within(row).getByTestId('rule-matched').textContent).toBe('40')
    expect(within(row).getByTestId('rule-scored').textContent).toBe('9')
    expect(within(row).getByTestId('rule-errors').textContent).toBe('2')
    expect(within(row).getByTestId('rule-cost').textContent).toBe('$0.0031')
    expect(row.textContent).toContain('Last error: judge: judge server: the judge is down')
    c.rules = [{ ...stored, counters: { ...stored.counters, scored: 10, queued: 0 } }]
    act(() => c.emit('online.changed', { dir: '/home/me/support-bot', ruleIds: ['r1'] }))
    await waitFor(() => expect(within(screen.getByTestId('online-rule-helpfulness')).getByTestId('rule-scored').textContent).toBe('10'))
  })

  it('says what a rule is for when there is none', async () => {
    renderPanel(client([]))
    expect(await screen.findByText('No online rules yet')).toBeTruthy()
  })

  it('creates a rule from the form, and lists the workbench’s refusal by field', async () => {
    const c = client([])
    let attempt = 0
    c.handle('online.save', (request) => {
      attempt++
      if (attempt === 1) throw new WeftError('INVALID_REQUEST', 'Online rule "greets": scorers.0.params.pattern: Invalid', [{ path: 'scorers.0.params.pattern', message: 'pattern must be a valid regular expression' }])
      const rule = { ...stored, id: 'r2', name: request.name, filter: { attributes: {}, ...request.filter }, sampleRate: request.sampleRate, scorers: request.scorers, counters } as Rule
      c.rules = [rule]
      return { rule }
    })
    renderPanel(c)
    fireEvent.click(await screen.findByRole('button', { name: 'New rule' }))
    const form = await screen.findByRole('form', { name: 'New rule' })
    // An LLM judge is offered first, with the project's prompt and model.
    await waitFor(() => expect((within(form).getByLabelText('Scorer parameters') as HTMLInputElement).value).toContain('prompt:helpful'))
    fireEvent.change(within(form).getByLabelText('Rule name'), { target: { value: 'greets' } })
    fireEvent.change(within(form).getByPlaceholderText('any name'), { target: { value: 'chat.*' } })
    fireEvent.change(within(form).getByLabelText('Span kind'), { target: { value: 'llm' } })
    fireEvent.change(within(form).getByPlaceholderText('env = production'), { target: { value: 'env = production\nteam = support' } })
    fireEvent.change(within(form).getByLabelText('Sample rate (percent)'), { target: { value: '50' } })
    fireEvent.change(within(form).getByLabelText('Scorer type'), { target: { value: 'regex' } })
    fireEvent.change(within(form).getByLabelText('Scorer id'), { target: { value: 'hello' } })
    fireEvent.change(within(form).getByLabelText('Scorer parameters'), { target: { value: '{pattern: "(^Hello"}' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Create rule' }))
    expect(await within(form).findByText('scorers.0.params.pattern: pattern must be a valid regular expression')).toBeTruthy()
    expect(c.calls.find((call) => call.name === 'online.save')!.request).toEqual({
      name: 'greets', filter: { name: 'chat.*', kind: 'llm', attributes: { env: 'production', team: 'support' } }, sampleRate: 0.5,
      scorers: [{ id: 'hello', type: 'regex', params: { pattern: '(^Hello' } }], paused: false,
    })
    fireEvent.change(within(form).getByLabelText('Scorer parameters'), { target: { value: '{pattern: "^Hello"}' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Create rule' }))
    expect(await screen.findByTestId('online-rule-greets')).toBeTruthy()
    expect(screen.queryByRole('form', { name: 'New rule' })).toBeNull()
  })

  it('refuses to send a form with a bad sample rate or attribute line', async () => {
    const c = client([])
    renderPanel(c)
    fireEvent.click(await screen.findByRole('button', { name: 'New rule' }))
    const form = await screen.findByRole('form', { name: 'New rule' })
    fireEvent.change(within(form).getByLabelText('Rule name'), { target: { value: 'x' } })
    fireEvent.change(within(form).getByLabelText('Sample rate (percent)'), { target: { value: '150' } })
    fireEvent.change(within(form).getByPlaceholderText('env = production'), { target: { value: 'no equals sign' } })
    expect(within(form).getByText('Sample rate: a percentage from 0 to 100')).toBeTruthy()
    expect(within(form).getByText('Attributes, line 1: write key = value')).toBeTruthy()
    expect((within(form).getByRole('button', { name: 'Create rule' }) as HTMLButtonElement).disabled).toBe(true)
  })

  it('edits, pauses and resumes, and deletes only after a confirmation', async () => {
    const c = client()
    c.handle('online.pause', ({ id, paused }) => {
      c.rules = c.rules.map((r) => (r.id === id ? { ...r, paused: Boolean(paused) } : r))
      return { rule: c.rules[0]! }
    })
    c.handle('online.delete', () => {
      c.rules = []
      return { deleted: true }
    })
    renderPanel(c)
    fireEvent.click(await screen.findByRole('button', { name: 'Pause helpfulness' }))
    expect(await screen.findByRole('button', { name: 'Resume helpfulness' })).toBeTruthy()
    expect(c.calls.filter((x) => x.name === 'online.pause').map((x) => x.request)).toEqual([{ id: 'r1', paused: true }])
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }))
    const form = await screen.findByRole('form', { name: 'Edit rule helpfulness' })
    expect((within(form).getByLabelText('Rule name') as HTMLInputElement).value).toBe('helpfulness')
    expect((within(form).getByLabelText('Sample rate (percent)') as HTMLInputElement).value).toBe('25')
    fireEvent.click(within(form).getByRole('button', { name: 'Cancel' }))
    fireEvent.click(screen.getByRole('button', { name: 'Delete helpfulness' }))
    const confirm = await screen.findByRole('alertdialog', { name: 'Delete helpfulness?' })
    expect(confirm.textContent).toContain('keep their scores')
    expect(c.calls.some((x) => x.name === 'online.delete')).toBe(false)
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete rule' }))
    expect(await screen.findByText('No online rules yet')).toBeTruthy()
    expect(c.calls.filter((x) => x.name === 'online.delete').map((x) => x.request)).toEqual([{ id: 'r1' }])
  })

  it('backfills over a range with live progress, and cancels', async () => {
    const c = client()
    c.handle('online.backfill', () => ({ jobId: 'bf1', traces: 120 }))
    c.handle('online.cancelBackfill', () => ({ cancelled: true }))
    renderPanel(c)
    fireEvent.click(await screen.findByRole('button', { name: 'Backfill' }))
    const group = await screen.findByRole('group', { name: 'Backfill helpfulness' })
    fireEvent.change(within(group).getByLabelText('Backfill from'), { target: { value: '2027-01-15T08:00' } })
    fireEvent.change(within(group).getByLabelText('Backfill to'), { target: { value: '2027-01-15T10:00' } })
    fireEvent.click(within(group).getByRole('button', { name: 'Start backfill' }))
    await waitFor(() => expect(c.calls.find((x) => x.name === 'online.backfill')).toBeTruthy())
    expect(c.calls.find((x) => x.name === 'online.backfill')!.request).toEqual({ id: 'r1', fromMs: new Date('2027-01-15T08:00').getTime(), toMs: new Date('2027-01-15T10:00').getTime() })
    expect((await within(group).findByTestId('backfill-progress')).textContent).toContain('Matching: 0 of 120 traces')
    act(() => c.emit('online.backfill', { jobId: 'bf1', ruleId: 'r1', tracesDone: 120, tracesTotal: 120, queued: 30, scored: 12, state: 'running' }))
    expect(within(group).getByTestId('backfill-progress').textContent).toContain('12 of 30 spans scored (120 traces)')
    fireEvent.click(within(group).getByRole('button', { name: 'Cancel backfill' }))
    await waitFor(() => expect(c.calls.some((x) => x.name === 'online.cancelBackfill')).toBe(true))
    act(() => c.emit('online.backfill', { jobId: 'bf1', ruleId: 'r1', tracesDone: 120, tracesTotal: 120, queued: 30, scored: 14, state: 'cancelled' }))
    expect(within(group).getByTestId('backfill-progress').textContent).toContain('14 of 30 spans scored (120 traces) — cancelled')
  })
})

describe('a backfill that finishes at once', () => {
  it('shows its end even when its events came before online.backfill answered', async () => {
    const c = client()
    c.handle('online.backfill', () => {
      c.emit('online.backfill', { jobId: 'bf9', ruleId: 'r1', tracesDone: 0, tracesTotal: 4, queued: 0, scored: 0, state: 'running' })
      c.emit('online.backfill', { jobId: 'bf9', ruleId: 'r1', tracesDone: 4, tracesTotal: 4, queued: 2, scored: 2, state: 'finished' })
      return { jobId: 'bf9', traces: 4 }
    })
    renderPanel(c)
    fireEvent.click(await screen.findByRole('button', { name: 'Backfill' }))
    const group = await screen.findByRole('group', { name: 'Backfill helpfulness' })
    fireEvent.click(within(group).getByRole('button', { name: 'Start backfill' }))
    await waitFor(() => expect(within(group).getByTestId('backfill-progress').textContent).toContain('2 of 2 spans scored (4 traces) — finished'))
  })
})

describe('online scores on the span', () => {
  it('shows the rule, the score, pass or fail and the reason, without a remove button', async () => {
    const c = createFakeClient({ project: sampleProject() })
    c.handle('feedback.list', () => ({
      feedback: [
        { id: 'f1', traceId: 't1', spanId: 's1', kind: 'score', name: 'helpfulness/judge', value: 0.8333, reason: 'Polite and answers the question', pass: true, by: 'online rule helpfulness', createdMs: 1_800_000_000_000, source: 'online' },
        { id: 'f2', traceId: 't1', spanId: 's1', kind: 'thumbs', name: 'thumbs', value: 1, by: null, createdMs: 1_800_000_000_000, source: 'ui' },
      ],
    }))
    render(<ClientProvider value={{ client: c, isMac: false }}><FeedbackPanel traceId="t1" spanId="s1" /></ClientProvider>)
    const item = (await screen.findByText('helpfulness/judge: 0.833')).closest('li')!
    expect(item.getAttribute('data-source')).toBe('online')
    expect(item.textContent).toContain('online')
    expect(item.textContent).toContain('pass')
    expect(item.textContent).toContain('Polite and answers the question')
    expect(item.textContent).toContain('online rule helpfulness')
    expect(within(item).queryByRole('button')).toBeNull()
    expect(screen.getByRole('button', { name: 'Remove Good' })).toBeTruthy()
  })
})
