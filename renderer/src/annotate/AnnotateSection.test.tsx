import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AnnotationInput, AnnotationItem, QueueDefinition } from '../../../common/schemas/annotation'
import { WeftError } from '../../../common/errors'
import { db } from '../state/db'
import { saveSetting } from '../state/uiState'
import { createFakeClient, entry, sampleProject, type FakeClient } from '../test/fakeClient'
import { renderApp, resetAppState } from '../test/renderApp'
import { resetAnnotate } from './useAnnotateStore'
import { useOutboxStore } from './useOutbox'

const VERSION = 'f'.repeat(40)
const DEFINITION: QueueDefinition = {
  description: 'Is the triage right?',
  source: { dataset: 'tickets' },
  fields: [
    { name: 'correct', type: 'binary', required: true },
    { name: 'category', type: 'categorical', options: ['billing', 'bug', 'other'], required: true },
    { name: 'note', type: 'text', maxLength: 2000, required: false },
  ],
  expected: true,
}

const items = (n: number): AnnotationItem[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `r${i + 1}`,
    input: { ticket: `ticket number ${i + 1}`, body: 'a long line '.repeat(20) },
    output: `category ${i + 1}`,
    expected: { category: 'billing' },
    metadata: { source: 'email' },
    traceId: i === 0 ? 'trace-1' : null,
    annotations: [],
  }))

interface Setup {
  client: FakeClient
  submitted: AnnotationInput[][]
  outboxAtSubmit: number[]
  fail: { next: number }
}

function setup(count = 3, definition: QueueDefinition = DEFINITION): Setup {
  const client = createFakeClient({ project: sampleProject(), objects: [entry('dataset', 'tickets'), entry('queue', 'triage')] })
  const all = items(count)
  const submitted: AnnotationInput[][] = []
  const outboxAtSubmit: number[] = []
  const fail = { next: 0 }
  client.handle('annotations.queues', () => ({
    queues: [{ name: 'triage', version: VERSION, definition, total: count, done: 0, byAnnotator: {} }],
  }))
  // Like the workbench: todo is what this annotator has not completed, in source order.
  client.handle('annotations.items', ({ offset = 0, limit = 50, filter = 'all', annotator }) => {
    const doneBy = new Set(submitted.flat().filter((a) => a.annotator === annotator).map((a) => a.itemId))
    const matching = all.filter((i) => (filter === 'todo' ? !doneBy.has(i.id) : filter === 'done' ? doneBy.has(i.id) : true))
    return { queue: { name: 'triage', version: VERSION, definition }, total: matching.length, items: matching.slice(offset, offset + limit) }
  })
  client.handle('annotations.submit', async ({ annotations }) => {
    outboxAtSubmit.push(await db.outbox.count())
    if (fail.next > 0) {
      fail.next--
      throw new WeftError('INTERNAL', 'Cannot reach the Weft server. Is `weft serve` still running?')
    }
    submitted.push(annotations)
    return { stored: annotations.map((a) => a.id), stale: [], rejected: [] }
  })
  return { client, submitted, outboxAtSubmit, fail }
}

/** A key pressed on whatever has focus, as the keyboard would. */
function press(key: string, init: Partial<KeyboardEventInit> = {}) {
  const target = document.activeElement ?? document.body
  fireEvent.keyDown(target, { key, bubbles: true, cancelable: true, ...init })
}

async function openQueue(s: Setup, annotator: string | null = 'ana', total = 3) {
  if (annotator) await saveSetting('annotator', annotator)
  window.location.hash = '#/annotate/queue/triage'
  renderApp(s.client)
  if (annotator) await screen.findByText(`Item 1 of ${total}`)
}

beforeEach(async () => {
  await resetAppState()
  resetAnnotate(false)
})

describe('Annotate section', () => {
  it('asks who is annotating the first time and remembers it', async () => {
    const s = setup()
    await openQueue(s, null)
    const dialog = await screen.findByTestId('annotator-dialog')
    fireEvent.change(within(dialog).getByLabelText('Annotator name'), { target: { value: '  Ana  ' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Start annotating' }))
    await screen.findByText('Item 1 of 3')
    expect(screen.getByTestId('annotator-name').textContent).toBe('Ana')
    await waitFor(async () => expect((await db.settings.get('annotator'))?.value).toBe('Ana'))
  })

  it('labels items with the keyboard: keys pick values, Enter submits through the outbox and moves on', async () => {
    const s = setup()
    await openQueue(s)
    const view = screen.getByTestId('annotation-view')
    await waitFor(() => expect(document.activeElement).toBe(view))
    expect(view.textContent).toContain('ticket number 1')
    expect(screen.getByRole('link', { name: 'Open its trace' }).getAttribute('href')).toBe('#/traces/trace-1')

    // Letters that are not commands type nothing anywhere.
    press('x')
    press('h')
    expect((screen.getByTestId('field-note').querySelector('textarea') as HTMLTextAreaElement).value).toBe('')

    press('y')
    expect(screen.getByTestId('value-correct').textContent).toBe('yes')
    press('Tab')
    press('2')
    expect(screen.getByTestId('value-category').textContent).toBe('bug')
    press('Enter')
    await screen.findByText('Item 2 of 3')
    await waitFor(() => expect(s.submitted).toHaveLength(1))
    // The label was in IndexedDB when the workbench was called, and left it once stored.
    expect(s.outboxAtSubmit[0]).toBe(1)
    await waitFor(async () => expect(await db.outbox.count()).toBe(0))
    const [first] = s.submitted[0]!
    expect(first).toMatchObject({ queue: 'triage', queueVersion: VERSION, itemId: 'r1', annotator: 'ana', values: { correct: true, category: 'bug' } })
    expect(first!.id).toMatch(/^[0-9a-f]{40}$/)

    // Item 2: no, other, and a note typed after t; Esc leaves the text field, Enter submits.
    await waitFor(() => expect(document.activeElement).toBe(view))
    press('n')
    press('ArrowDown')
    press('3')
    press('Tab')
    press('t')
    const note = screen.getByTestId('field-note').querySelector('textarea') as HTMLTextAreaElement
    await waitFor(() => expect(document.activeElement).toBe(note))
    fireEvent.change(note, { target: { value: 'printer, not billing' } })
    press('Escape')
    await waitFor(() => expect(document.activeElement).toBe(view))
    press('j') // moving on without Enter keeps the draft
    await screen.findByText('Item 3 of 3')
    press('k')
    await screen.findByText('Item 2 of 3')
    expect(screen.getByTestId('ann-item-status').textContent).toBe('not submitted yet')
    expect(screen.getByTestId('value-note').textContent).toBe('printer, not billing')
    press('Enter')
    await screen.findByText('Item 3 of 3')
    await waitFor(() => expect(s.submitted.flat().map((a) => a.itemId)).toEqual(['r1', 'r2']))
    expect(s.submitted.flat()[1]!.values).toEqual({ correct: false, category: 'other', note: 'printer, not billing' })

    // Back to item 1: its label shows as given; changing it keeps the id and bumps updatedMs.
    press('k')
    press('k')
    await screen.findByText('Item 1 of 3')
    expect(screen.getByTestId('value-correct').textContent).toBe('yes')
    expect(screen.getByTestId('ann-item-status').textContent).toBe('saved')
    press('Tab')
    press('1')
    press('Enter')
    await waitFor(() => expect(s.submitted).toHaveLength(3))
    const again = s.submitted[2]![0]!
    expect(again.id).toBe(first!.id)
    expect(again.updatedMs).toBeGreaterThan(first!.updatedMs)
    expect(again.values).toEqual({ correct: true, category: 'billing' })
  })

  it('keeps an incomplete label and goes to the missing field instead of moving on', async () => {
    const s = setup()
    await openQueue(s)
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('annotation-view')))
    press('1')
    press('Enter')
    expect(await screen.findByTestId('ann-message')).toHaveProperty('textContent', expect.stringContaining('category still needs a value'))
    expect(screen.getByText('Item 1 of 3')).toBeTruthy()
    expect(screen.getByTestId('field-category').getAttribute('aria-current')).toBe('true')
  })

  it('edits the expected answer with e: Mod+Enter keeps valid JSON, Esc cancels, bad JSON says which line', async () => {
    const s = setup()
    await openQueue(s)
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('annotation-view')))
    press('e')
    const editor = await screen.findByLabelText('Expected answer')
    await waitFor(() => expect(document.activeElement).toBe(editor))
    fireEvent.change(editor, { target: { value: '{\n  "category": \n}' } })
    press('Enter', { ctrlKey: true })
    expect((await screen.findByRole('alert')).textContent).toMatch(/not valid JSON \(line 3, column 1\)/)
    fireEvent.change(editor, { target: { value: '{"category": "bug"}' } })
    press('Enter', { ctrlKey: true })
    await screen.findByText('Expected (corrected)')
    press('y')
    press('Tab')
    press('1')
    press('Enter')
    await waitFor(() => expect(s.submitted).toHaveLength(1))
    expect(s.submitted[0]![0]!.expected).toEqual({ category: 'bug' })
  })

  it('shows labels waiting to sync while the workbench is down and sends them when it is back', async () => {
    const s = setup()
    s.fail.next = 1
    await openQueue(s)
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('annotation-view')))
    press('y')
    press('Tab')
    press('1')
    press('Enter')
    expect((await screen.findByTestId('outbox-indicator')).textContent).toContain('1 waiting to sync')
    await waitFor(() => expect(s.outboxAtSubmit).toHaveLength(1))
    expect(screen.getByTestId('outbox-status').textContent).toContain('1 waiting to sync')
    press('k')
    await screen.findByText('Item 1 of 3')
    expect(screen.getByTestId('ann-item-status').textContent).toBe('waiting to sync')
    // The connection coming back sends at once, without waiting for the backoff.
    act(() => s.client.setConnection('connected'))
    await act(async () => {
      await useOutboxStore.getState().outbox!.drain()
    })
    await waitFor(() => expect(screen.queryByTestId('outbox-indicator')).toBeNull())
    expect(s.submitted.flat().map((a) => a.itemId)).toEqual(['r1'])
    await waitFor(() => expect(screen.getByTestId('ann-item-status').textContent).toBe('saved'))
  })

  it('shows refused labels with the server message until sent again or discarded', async () => {
    const s = setup()
    s.client.handle('annotations.submit', ({ annotations }) => ({
      stored: [],
      stale: [],
      rejected: annotations.map((a) => ({ id: a.id, path: 'values.category', message: 'is not an option of this queue version' })),
    }))
    await openQueue(s)
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('annotation-view')))
    press('y')
    press('Tab')
    press('1')
    press('Enter')
    const refused = await screen.findByRole('region', { name: 'Refused labels' })
    expect(refused.textContent).toContain('values.category: is not an option of this queue version')
    expect(await db.outbox.count()).toBe(1)
    fireEvent.click(within(refused).getByRole('button', { name: 'Discard' }))
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Refused labels' })).toBeNull())
    expect(await db.outbox.count()).toBe(0)
  })

  it('? shows the annotation keys in the shortcuts overlay', async () => {
    const s = setup()
    await openQueue(s)
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('annotation-view')))
    press('?')
    const keys = await screen.findByTestId('annotate-keys')
    expect(keys.textContent).toContain('Submit and go to the next item')
    expect(keys.textContent).toContain("Pick the field's option")
  })

  it('lists queues with progress per annotator', async () => {
    const s = setup()
    s.client.handle('annotations.queues', () => ({
      queues: [{ name: 'triage', version: VERSION, definition: DEFINITION, total: 10, done: 4, byAnnotator: { ana: 4, ben: 2 } }],
    }))
    await saveSetting('annotator', 'ana')
    window.location.hash = '#/annotate'
    renderApp(s.client)
    const card = await screen.findByTestId('queue-triage')
    expect(card.textContent).toContain('4 / 10 done')
    expect(card.textContent).toContain('dataset tickets')
    expect(card.textContent).toContain('ben 2')
  })

  it('picks small numeric ranges with number keys and types wide ones, refusing values out of range', async () => {
    const s = setup(3, {
      source: { dataset: 'tickets' },
      fields: [
        { name: 'stars', type: 'numeric', min: 1, max: 5, step: 1, required: true },
        { name: 'minutes', type: 'numeric', min: 0, max: 600, step: 1, required: true },
      ],
      expected: true,
    })
    await openQueue(s)
    const view = screen.getByTestId('annotation-view')
    await waitFor(() => expect(document.activeElement).toBe(view))
    press('4')
    expect(screen.getByTestId('value-stars').textContent).toBe('4')
    press('Tab')
    press('7') // a digit on a wide range starts typing with it
    const input = screen.getByTestId('field-minutes').querySelector('input') as HTMLInputElement
    await waitFor(() => expect(document.activeElement).toBe(input))
    expect(input.value).toBe('7')
    fireEvent.change(input, { target: { value: '7000' } })
    press('Enter')
    expect((await screen.findByRole('alert')).textContent).toBe('minutes must be between 0 and 600')
    fireEvent.change(input, { target: { value: '75' } })
    press('Enter')
    await waitFor(() => expect(document.activeElement).toBe(view))
    expect(screen.getByTestId('value-minutes').textContent).toBe('75')
    press('Enter')
    await waitFor(() => expect(s.submitted.flat()[0]?.values).toEqual({ stars: 4, minutes: 75 }))
  })

  it('pages through a long todo list without skipping items that moved up as others were done', async () => {
    const s = setup(120)
    await openQueue(s, 'ana', 120)
    const view = screen.getByTestId('annotation-view')
    const seen: string[] = []
    for (let n = 0; n < 60; n++) {
      await waitFor(() => expect(document.activeElement).toBe(view))
      seen.push(view.querySelector('.ann-item-id code')!.textContent!)
      press('y')
      press('Tab')
      press('1')
      press('Enter')
      await screen.findByText(`Item ${n + 2} of 120`)
    }
    await waitFor(() => expect(s.submitted.flat()).toHaveLength(60))
    seen.push(view.querySelector('.ann-item-id code')!.textContent!)
    expect(seen).toEqual(Array.from({ length: 61 }, (_, i) => `r${i + 1}`))
    const pages = s.client.calls.filter((c) => c.name === 'annotations.items').map((c) => (c.request as { offset: number }).offset)
    expect(pages.length).toBeGreaterThan(1)
  }, 20_000)

  it('reopens the queue for another annotator after Change', async () => {
    const s = setup()
    await openQueue(s)
    fireEvent.click(screen.getByRole('button', { name: 'Change' }))
    const dialog = await screen.findByTestId('annotator-dialog')
    fireEvent.change(within(dialog).getByLabelText('Annotator name'), { target: { value: 'ben' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Start annotating' }))
    await waitFor(() => expect(screen.getByTestId('annotator-name').textContent).toBe('ben'))
    await waitFor(() => expect(s.client.calls.filter((c) => c.name === 'annotations.items').map((c) => (c.request as { annotator?: string }).annotator)).toContain('ben'))
  })

  it('takes keys faster than React renders: each acts on the state the previous one left', async () => {
    const s = setup()
    await openQueue(s)
    const view = screen.getByTestId('annotation-view')
    await waitFor(() => expect(document.activeElement).toBe(view))
    // One task, no render in between (as a key-repeat burst or a scripted keyboard does).
    act(() => {
      for (const key of ['n', 'Tab', '3', 'Enter']) view.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
    })
    await screen.findByText('Item 2 of 3')
    await waitFor(() => expect(s.submitted.flat()[0]?.values).toEqual({ correct: false, category: 'other' }))
  })

  it('New queue: refuses a bad form with where the problem is, then saves queues/NAME.yaml', async () => {
    const s = setup()
    s.client.handle('annotations.queues', () => ({ queues: [] }))
    const saved: { kind: string; name: string; content: string }[] = []
    s.client.handle('objects.save', ({ kind, name, content }) => {
      saved.push({ kind, name, content })
      return { version: { n: 1, digest: VERSION, commit: VERSION, time: '', author: '', email: '', message: '', labels: [], current: true }, commit: VERSION, created: true }
    })
    await saveSetting('annotator', 'ana')
    window.location.hash = '#/annotate'
    renderApp(s.client)
    fireEvent.click((await screen.findAllByRole('button', { name: 'New queue' }))[0]!)
    const form = await screen.findByTestId('new-queue-dialog')
    fireEvent.change(within(form).getByLabelText('Queue name'), { target: { value: 'review' } })
    fireEvent.change(within(form).getByLabelText('Field 1 type'), { target: { value: 'categorical' } })
    fireEvent.change(within(form).getByLabelText('Field 1 options'), { target: { value: 'billing' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Create queue' }))
    const problems = (await within(form).findAllByRole('alert')).map((a) => a.textContent)
    expect(problems).toContain('Field 1 (correct) options needs at least 2 options')
    expect(problems.some((p) => p?.startsWith('Dataset'))).toBe(true)
    expect(saved).toEqual([])

    fireEvent.change(within(form).getByLabelText('Dataset', { selector: 'select' }), { target: { value: 'tickets' } })
    fireEvent.change(within(form).getByLabelText('Field 1 options'), { target: { value: 'billing, bug' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Add field' }))
    fireEvent.change(within(form).getByLabelText('Field 2 name'), { target: { value: 'stars' } })
    fireEvent.change(within(form).getByLabelText('Field 2 type'), { target: { value: 'numeric' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Create queue' }))
    await waitFor(() => expect(saved).toHaveLength(1))
    expect(saved[0]).toMatchObject({ kind: 'queue', name: 'review' })
    expect(saved[0]!.content).toContain('dataset: tickets')
    expect(saved[0]!.content).toMatch(/name: stars\n\s+type: numeric\n\s+min: 1\n\s+max: 5/)
    await waitFor(() => expect(window.location.hash).toBe('#/annotate/queue/review'))
  })

  it("shows other annotators' labels of the item beside the fields", async () => {
    const s = setup()
    const stored = { id: 'ben-r1-label', queue: 'triage', queueVersion: VERSION, itemId: 'r1', annotator: 'ben', values: { correct: false, category: 'bug' }, updatedMs: 5, storedMs: 6, complete: true }
    s.client.handle('annotations.items', () => ({
      queue: { name: 'triage', version: VERSION, definition: DEFINITION },
      total: 3,
      items: items(3).map((i) => (i.id === 'r1' ? { ...i, annotations: [stored] } : i)),
    }))
    await openQueue(s)
    const others = screen.getByRole('region', { name: 'Other annotators' })
    expect(others.textContent).toContain('ben')
    expect(others.textContent).toContain('correct: no · category: bug · note: —')
  })

  it('f cycles the list between to do, done and all; a label given shows under done', async () => {
    const s = setup()
    await openQueue(s)
    const view = screen.getByTestId('annotation-view')
    await waitFor(() => expect(document.activeElement).toBe(view))
    press('y')
    press('Tab')
    press('2')
    press('Enter')
    await waitFor(() => expect(s.submitted).toHaveLength(1))
    press('f')
    await screen.findByText('Item 1 of 1')
    expect(screen.getByRole('radio', { name: 'Done' }).getAttribute('aria-checked')).toBe('true')
    expect(screen.getByTestId('value-category').textContent).toBe('bug')
    await waitFor(() => expect(document.activeElement).toBe(view))
    press('f')
    await screen.findByText('Item 1 of 3')
    expect(screen.getByRole('radio', { name: 'All' }).getAttribute('aria-checked')).toBe('true')
    const filters = s.client.calls.filter((c) => c.name === 'annotations.items').map((c) => (c.request as { filter: string }).filter)
    expect(filters).toEqual(['todo', 'done', 'all'])
  })

  it('Write back: a trace queue names its target dataset; the new version is shown', async () => {
    const s = setup()
    const traceQueue: QueueDefinition = { source: { traces: { name: 'answer', limit: 500 } }, fields: [{ name: 'good', type: 'binary', required: true }], expected: true }
    s.client.handle('annotations.queues', () => ({
      queues: [{ name: 'answers', version: VERSION, definition: traceQueue, total: 5, done: 3, byAnnotator: { ana: 3, ben: 1 } }],
    }))
    const requests: unknown[] = []
    s.client.handle('annotations.writeBack', (request) => {
      requests.push(request)
      return {
        version: { n: 4, digest: 'a'.repeat(40), commit: 'b'.repeat(40), time: '', author: '', email: '', message: '', labels: [], current: true },
        commit: 'b'.repeat(40),
        created: true,
        dataset: 'gold',
        rows: { updated: 1, added: 2, unchanged: 0 },
      }
    })
    await saveSetting('annotator', 'ana')
    window.location.hash = '#/annotate'
    renderApp(s.client)
    const card = await screen.findByTestId('queue-answers')
    expect(card.textContent).toContain('traces named answer (newest 500)')
    fireEvent.click(within(card).getByRole('button', { name: 'Write back…' }))
    const dialog = await screen.findByTestId('write-back-dialog')
    const dataset = within(dialog).getByLabelText('Dataset') as HTMLInputElement
    expect(dataset.required).toBe(true)
    fireEvent.change(dataset, { target: { value: 'gold' } })
    fireEvent.click(within(dialog).getByLabelText('per field, the value most gave'))
    fireEvent.click(within(dialog).getByRole('button', { name: 'Write back' }))
    const result = await within(dialog).findByTestId('write-back-result')
    expect(result.textContent).toContain('Saved dataset:gold v4')
    expect(result.textContent).toContain('1 rows updated · 2 added · 0 unchanged')
    expect(requests).toEqual([{ queue: 'answers', dataset: 'gold', resolve: 'majority', message: 'Labels from annotation queue answers' }])
  })
})
