/**
 * The Annotate section's state: the queues with their progress, and the open
 * queue — its items (loaded a page at a time), the item and field under the
 * cursor, the values being given, and this annotator's labels that are only
 * in the outbox so far (shown as given, marked as waiting).
 */
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import type { ResponseOf } from '../../../common/contract'
import type { AnnotationInput, AnnotationItem, QueueDefinition } from '../../../common/schemas/annotation'
import { errorMessage } from '../api/errors'
import type { OutboxRow } from '../state/db'
import { saveSetting } from '../state/uiState'
import { annotationId } from './annotationId'
import { missingFields, type FieldValue } from './fields'
import { currentOutbox } from './useOutbox'

/** Which items the open queue shows. */
export type ItemFilter = 'all' | 'todo' | 'done'

/** Items fetched per `annotations.items` call. */
export const PAGE_SIZE = 50

/** How the keyboard is being used: moving and picking, typing into a field, or editing the expected answer. */
export type KeyMode = 'nav' | 'typing' | 'expected'

/** Values being given to one item, not submitted yet. */
export interface ItemDraft {
  values: Record<string, FieldValue>
  /** The corrected expected answer, when the annotator changed it. */
  expected?: unknown
}

/** The open queue. */
export interface OpenQueue {
  name: string
  /** Who the queue was opened for (todo and done are per annotator). */
  openedAs: string
  version: string
  definition: QueueDefinition
  filter: ItemFilter
  items: AnnotationItem[]
  /** Items matching the filter on the server when the list was loaded. */
  total: number
  /** Items of this filter completed since it was loaded (a todo page moves up by that many). */
  doneSinceLoad: number
  loading: boolean
  error: string | null
  index: number
  field: number
  mode: KeyMode
  /** The key that started typing into a wide numeric field (it is the first character). */
  seed: string | null
  drafts: Record<string, ItemDraft>
  /** This annotator's outbox entries by item: pending or refused. */
  outbox: Record<string, OutboxRow>
  /** This annotator's labels given in this window, by item (newer than what the items were loaded with). */
  given: Record<string, AnnotationInput>
  /** The last thing the view should say (submitted, a missing field, a refused value). */
  message: string | null
}

interface AnnotateState {
  /** This window's annotator name; null until read from settings, '' when never given. */
  annotator: string | null
  queues: { status: 'idle' | 'loading' | 'ready' | 'failed'; list: ResponseOf<'annotations.queues'>['queues']; error: string | null }
  open: OpenQueue | null
}

const INITIAL: AnnotateState = { annotator: null, queues: { status: 'idle', list: [], error: null }, open: null }

/** The store. */
export const useAnnotateStore = create<AnnotateState>()(() => ({ ...INITIAL }))

/** Back to a first visit (another project opened, tests). */
export function resetAnnotate(keepAnnotator = true): void {
  const annotator = keepAnnotator ? useAnnotateStore.getState().annotator : null
  useAnnotateStore.setState({ ...INITIAL, annotator })
}

/** Sets (and remembers) the annotator's name. */
export async function setAnnotator(name: string): Promise<void> {
  const trimmed = name.trim()
  useAnnotateStore.setState({ annotator: trimmed })
  await saveSetting('annotator', trimmed)
}

/** Loads the queue list with progress. */
export async function loadQueues(client: WorkbenchClient): Promise<void> {
  const before = useAnnotateStore.getState().queues
  useAnnotateStore.setState({ queues: { ...before, status: before.status === 'ready' ? 'ready' : 'loading', error: null } })
  try {
    const { queues } = await client.call('annotations.queues', {})
    useAnnotateStore.setState({ queues: { status: 'ready', list: queues, error: null } })
  } catch (error) {
    useAnnotateStore.setState({ queues: { status: 'failed', list: before.list, error: errorMessage(error) } })
  }
}

function patchOpen(change: Partial<OpenQueue> | ((open: OpenQueue) => Partial<OpenQueue>)): void {
  const open = useAnnotateStore.getState().open
  if (!open) return
  useAnnotateStore.setState({ open: { ...open, ...(typeof change === 'function' ? change(open) : change) } })
}

/** Opens a queue on its first page of `filter` items; pending outbox labels are read too. */
export async function openQueue(client: WorkbenchClient, name: string, filter: ItemFilter = 'todo'): Promise<void> {
  const annotator = useAnnotateStore.getState().annotator || undefined
  const previous = useAnnotateStore.getState().open
  const keep = previous?.name === name && previous.openedAs === (annotator ?? '') ? previous : null
  useAnnotateStore.setState({
    open: {
      name,
      openedAs: annotator ?? '',
      version: keep?.version ?? '',
      definition: keep?.definition ?? { source: { dataset: '' }, fields: [], expected: true },
      filter,
      items: [],
      total: 0,
      doneSinceLoad: 0,
      loading: true,
      error: null,
      index: 0,
      field: 0,
      mode: 'nav',
      seed: null,
      drafts: keep?.drafts ?? {},
      outbox: keep?.outbox ?? {},
      given: keep?.given ?? {},
      message: null,
    },
  })
  try {
    const page = await client.call('annotations.items', { queue: name, annotator, filter, offset: 0, limit: PAGE_SIZE })
    if (useAnnotateStore.getState().open?.name !== name) return
    patchOpen({ version: page.queue.version, definition: page.queue.definition, items: page.items, total: page.total, loading: false })
  } catch (error) {
    patchOpen({ loading: false, error: errorMessage(error) })
  }
  await refreshOutboxRows()
}

/** Closes the open queue (drafts not submitted are dropped with it). */
export function closeQueue(): void {
  useAnnotateStore.setState({ open: null })
}

let loadingMore = false

/**
 * Fetches the next page. A todo list shrinks on the server as items get done,
 * so its next page starts earlier by the items done since loading; items seen
 * already are skipped (an offset that is too small repeats items, never skips one).
 */
export async function loadMore(client: WorkbenchClient): Promise<void> {
  const open = useAnnotateStore.getState().open
  if (!open || loadingMore || open.loading || open.items.length >= open.total) return
  loadingMore = true
  try {
    const annotator = useAnnotateStore.getState().annotator || undefined
    const seen = new Set(open.items.map((i) => i.id))
    let offset = open.filter === 'todo' ? Math.max(0, open.items.length - open.doneSinceLoad) : open.items.length
    for (let round = 0; round < 20; round++) {
      const page = await client.call('annotations.items', { queue: open.name, annotator, filter: open.filter, offset, limit: PAGE_SIZE })
      const fresh = page.items.filter((i) => !seen.has(i.id))
      const now = useAnnotateStore.getState().open
      if (!now || now.name !== open.name || now.filter !== open.filter) return
      if (fresh.length > 0 || page.items.length < PAGE_SIZE) {
        patchOpen((o) => ({ items: [...o.items, ...fresh], total: fresh.length === 0 ? o.items.length : Math.max(o.total, o.items.length + fresh.length) }))
        return
      }
      offset += page.items.length
    }
  } catch (error) {
    patchOpen({ message: `Could not load more items: ${errorMessage(error)}` })
  } finally {
    loadingMore = false
  }
}

/** Re-reads this annotator's outbox entries of the open queue (after a send, a put, a reload). */
export async function refreshOutboxRows(): Promise<void> {
  const { open, annotator } = useAnnotateStore.getState()
  const outbox = currentOutbox()
  if (!open || !outbox) return
  const rows = await outbox.entries(open.name)
  const mine: Record<string, OutboxRow> = {}
  for (const row of rows) if (row.annotation.annotator === annotator) mine[row.annotation.itemId] = row
  patchOpen({ outbox: mine })
}

/** This annotator's newest label of an item: given in this window, waiting in the outbox, or stored. */
export function latestOwn(open: OpenQueue, item: AnnotationItem, annotator: string): AnnotationInput | undefined {
  const candidates: AnnotationInput[] = []
  const given = open.given[item.id]
  if (given) candidates.push(given)
  const pending = open.outbox[item.id]?.annotation
  if (pending) candidates.push(pending)
  const stored = item.annotations.find((a) => a.annotator === annotator)
  if (stored) candidates.push(stored)
  return candidates.sort((a, b) => b.updatedMs - a.updatedMs)[0]
}

/** The values on screen for an item: the draft, else this annotator's latest label. */
export function shownValues(open: OpenQueue, item: AnnotationItem, annotator: string): Record<string, FieldValue> {
  return open.drafts[item.id]?.values ?? ((latestOwn(open, item, annotator)?.values as Record<string, FieldValue> | undefined) ?? {})
}

/** The expected answer on screen: the draft's, this annotator's correction, or the item's own. */
export function shownExpected(open: OpenQueue, item: AnnotationItem, annotator: string): { value: unknown; corrected: boolean } {
  const draft = open.drafts[item.id]
  if (draft && 'expected' in draft) return { value: draft.expected, corrected: true }
  const own = latestOwn(open, item, annotator)
  if (own && own.expected !== undefined) return { value: own.expected, corrected: true }
  return { value: item.expected, corrected: false }
}

/** Moves the cursor by `delta` items (fetching the next page near the end). */
export function moveItem(client: WorkbenchClient, delta: number): void {
  const open = useAnnotateStore.getState().open
  if (!open || open.items.length === 0) return
  const index = Math.min(Math.max(open.index + delta, 0), open.items.length - 1)
  patchOpen({ index, field: 0, mode: 'nav', message: null })
  if (index >= open.items.length - 5) void loadMore(client)
}

/** Moves between fields, wrapping around. */
export function moveField(delta: number): void {
  patchOpen((o) => {
    const count = o.definition.fields.length
    return count === 0 ? {} : { field: (o.field + delta + count) % count, mode: 'nav' }
  })
}

/** Switches between moving, typing into the active field (`seed`: the key that started it) and editing the expected answer. */
export function setMode(mode: KeyMode, seed: string | null = null): void {
  patchOpen({ mode, seed })
}

/** Gives a value to a field of the current item (a draft until submitted). */
export function setValue(fieldName: string, value: FieldValue | undefined): void {
  const { open, annotator } = useAnnotateStore.getState()
  const item = open?.items[open.index]
  if (!open || !item || !annotator) return
  const values = { ...shownValues(open, item, annotator) }
  if (value === undefined) delete values[fieldName]
  else values[fieldName] = value
  const draft = open.drafts[item.id]
  patchOpen({ drafts: { ...open.drafts, [item.id]: { ...draft, values } }, message: null })
}

/** Keeps a corrected expected answer in the current item's draft. */
export function setExpected(value: unknown): void {
  const { open, annotator } = useAnnotateStore.getState()
  const item = open?.items[open.index]
  if (!open || !item || !annotator) return
  const values = shownValues(open, item, annotator)
  patchOpen({ drafts: { ...open.drafts, [item.id]: { ...open.drafts[item.id], values, expected: value } }, mode: 'nav' })
}

// Label writes run one after another, so an older edit never lands after a newer one.
let writes: Promise<void> = Promise.resolve()

/** Resolves when every submitted label is in the outbox (IndexedDB). */
export function labelsWritten(): Promise<void> {
  return writes
}

/**
 * Submits the current item. The view moves on at once (keys pressed right
 * after Enter belong to the next item); the label goes to the outbox
 * (IndexedDB) first, then the sender takes it to the workbench. A complete
 * label moves on to the next item; an incomplete one is kept and the cursor
 * goes to the missing field.
 */
export function submitItem(client: WorkbenchClient): Promise<void> {
  const { open, annotator } = useAnnotateStore.getState()
  const item = open?.items[open.index]
  const outbox = currentOutbox()
  if (!open || !item || !annotator) return writes
  if (!outbox) {
    patchOpen({ message: 'No project is open to keep this label in.' })
    return writes
  }
  const values = shownValues(open, item, annotator)
  const own = latestOwn(open, item, annotator)
  const { value: expected, corrected } = shownExpected(open, item, annotator)
  const annotation: AnnotationInput = {
    // Known when this annotator's label exists already (stored, waiting, or given here); else derived below (the same on every machine).
    id: [own, open.outbox[item.id]?.annotation, item.annotations.find((a) => a.annotator === annotator)].find((a) => a?.id)?.id ?? '',
    queue: open.name,
    queueVersion: open.version,
    itemId: item.id,
    annotator,
    values,
    ...(corrected ? { expected } : {}),
    // Of two edits the newer wins: never older than the edit it replaces, even with a clock that went back.
    updatedMs: Math.max(Date.now(), (own?.updatedMs ?? 0) + 1),
  }
  const missing = missingFields(open.definition.fields, values)
  const wasComplete = own ? missingFields(open.definition.fields, own.values as Record<string, FieldValue>).length === 0 : false
  const drafts = { ...open.drafts }
  delete drafts[item.id]
  const counted = missing.length === 0 && !wasComplete && open.filter === 'todo' ? 1 : 0
  useAnnotateStore.setState({
    open: {
      ...open,
      drafts,
      given: { ...open.given, [item.id]: annotation },
      doneSinceLoad: open.doneSinceLoad + counted,
      mode: 'nav',
      field: missing.length ? open.definition.fields.findIndex((f) => f.name === missing[0]!.name) : open.field,
      message: missing.length ? `Kept, but not complete: ${missing.map((f) => f.name).join(', ')} still needs a value.` : null,
    },
  })
  if (missing.length === 0) {
    if (open.index < open.items.length - 1) moveItem(client, 1)
    else {
      patchOpen({ message: open.items.length >= open.total ? 'That was the last item of this list.' : null })
      void loadMore(client).then(() => {
        const after = useAnnotateStore.getState().open
        if (after && after.index === open.index && after.index < after.items.length - 1) moveItem(client, 1)
      })
    }
  }
  writes = writes.then(async () => {
    try {
      const kept = { ...annotation, id: annotation.id || (await annotationId(annotation.queue, annotation.itemId, annotator)) }
      await outbox.put(kept)
      patchOpen((o) => (o.given[item.id] === annotation ? { given: { ...o.given, [item.id]: kept } } : {}))
    } catch (error) {
      // Not kept: the values go back to being a draft of the item, and the view says so.
      patchOpen((o) => ({
        given: Object.fromEntries(Object.entries(o.given).filter(([, a]) => a !== annotation)),
        drafts: { ...o.drafts, [item.id]: { values, ...(corrected ? { expected } : {}) } },
        message: `The label of item ${item.id} could not be kept in this browser: ${errorMessage(error)}`,
      }))
    }
    await refreshOutboxRows()
  })
  return writes
}
