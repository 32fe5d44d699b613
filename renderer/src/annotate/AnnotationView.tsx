/**
 * One queue, one item at a time, driven from the keyboard (keys.ts lists them):
 * the item's input, output and expected answer on the left, the queue's score
 * fields on the right. Keys act only while the view itself has focus, and text
 * is typed only after `t`/Enter opened a field, so navigating never types.
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { useClient, useHost } from '../api/ClientContext'
import { isTextTarget } from '../app/shortcuts'
import { formatValue, valueForKey, choicesOf } from './fields'
import { FieldsPanel } from './FieldsPanel'
import { ItemPanel } from './ItemPanel'
import {
  latestOwn,
  moveField,
  moveItem,
  openQueue,
  setMode,
  setValue,
  shownValues,
  submitItem,
  useAnnotateStore,
  type ItemFilter,
} from './useAnnotateStore'

const FILTERS: { id: ItemFilter; label: string }[] = [
  { id: 'todo', label: 'To do' },
  { id: 'done', label: 'Done' },
  { id: 'all', label: 'All' },
]

const NEXT_FILTER: Record<ItemFilter, ItemFilter> = { todo: 'done', done: 'all', all: 'todo' }

/** The annotation view of the open queue; `tools` go at the end of its toolbar (agreement, write-back, export). */
export function AnnotationView({ tools }: { tools?: ReactNode }) {
  const client = useClient()
  const { isMac } = useHost()
  const open = useAnnotateStore((s) => s.open)
  const annotator = useAnnotateStore((s) => s.annotator) ?? ''
  const summary = useAnnotateStore((s) => s.queues.list.find((q) => q.name === s.open?.name))
  const root = useRef<HTMLDivElement>(null)
  const mode = open?.mode ?? 'nav'

  // Back in navigation, the view takes focus again so the next key is a command.
  useEffect(() => {
    const active = document.activeElement
    if (mode === 'nav' && root.current && active !== root.current && (isTextTarget(active) || !root.current.contains(active))) root.current.focus()
  }, [mode, open?.index, open?.loading])

  if (!open) return null
  const item = open.items[open.index]
  const fields = open.definition.fields

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // The store, not this render's values: keys can come faster than React renders (a fast typist, key repeat).
    const open = useAnnotateStore.getState().open
    if (!open || event.defaultPrevented || event.nativeEvent.isComposing || open.mode !== 'nav') return
    const item = open.items[open.index]
    const activeField = open.definition.fields[open.field]
    if (isTextTarget(event.target)) return
    const mod = isMac ? event.metaKey : event.ctrlKey
    const handled = (run: () => void) => {
      event.preventDefault()
      event.stopPropagation()
      run()
    }
    if (mod && event.key === 'Enter') return handled(() => void submitItem(client))
    // Other modified keys are the app's (Mod+1…7, Mod+K).
    if (event.metaKey || event.ctrlKey || event.altKey) return
    switch (event.key) {
      case 'j':
      case 'ArrowRight':
        return handled(() => moveItem(client, 1))
      case 'k':
      case 'ArrowLeft':
        return handled(() => moveItem(client, -1))
      case 'Tab':
        return handled(() => moveField(event.shiftKey ? -1 : 1))
      case 'ArrowDown':
        return handled(() => moveField(1))
      case 'ArrowUp':
        return handled(() => moveField(-1))
      case 'f':
        return handled(() => void openQueue(client, open.name, NEXT_FILTER[open.filter]))
      case 'e':
        if (open.definition.expected && item) return handled(() => setMode('expected'))
        return
      case 't':
        if (activeField && choicesOf(activeField) === null) return handled(() => setMode('typing'))
        return
      case 'Enter':
        if (activeField && choicesOf(activeField) === null && activeField.type === 'text') return handled(() => setMode('typing'))
        return handled(() => void submitItem(client))
      case 'Backspace':
      case 'Delete':
        if (activeField) return handled(() => setValue(activeField.name, undefined))
        return
    }
    if (!activeField || !item) return
    const value = valueForKey(activeField, event.key)
    if (value !== undefined) return handled(() => setValue(activeField.name, value))
    // A wide numeric range is typed: a digit or minus sign starts typing with that character.
    if (activeField.type === 'numeric' && choicesOf(activeField) === null && /^[-\d.]$/.test(event.key)) {
      return handled(() => setMode('typing', event.key))
    }
  }

  const own = item && annotator ? latestOwn(open, item, annotator) : undefined
  const outboxRow = item ? open.outbox[item.id] : undefined
  const dirty = item ? item.id in open.drafts : false
  const status = !item
    ? ''
    : dirty
      ? 'not submitted yet'
      : outboxRow?.state === 'rejected'
        ? `refused: ${outboxRow.error?.message ?? ''}`
        : outboxRow
          ? 'waiting to sync'
          : own
            ? 'saved'
            : 'not annotated yet'
  const values = item && annotator ? shownValues(open, item, annotator) : {}
  const currentField = fields[open.field]

  return (
    <div
      ref={root}
      className={`ann-view mode-${open.mode}`}
      tabIndex={0}
      role="group"
      aria-roledescription="annotation view"
      aria-label={item ? `Item ${open.index + 1} of ${open.total}: ${item.id}` : `Queue ${open.name}`}
      aria-keyshortcuts="j k ArrowLeft ArrowRight Tab 1 2 3 4 5 6 7 8 9 0 y n t e f Enter ?"
      onKeyDown={onKeyDown}
      data-testid="annotation-view"
    >
      <div className="ann-toolbar">
        <div className="ann-filter" role="radiogroup" aria-label="Show items (f cycles)">
          {FILTERS.map((f) => (
            <button
              key={f.id}
              type="button"
              role="radio"
              aria-checked={open.filter === f.id}
              className={`ann-chip ${open.filter === f.id ? 'is-selected' : ''}`}
              tabIndex={-1}
              onClick={() => void openQueue(client, open.name, f.id)}
            >
              {f.label}
            </button>
          ))}
        </div>
        <span className="ann-position" data-testid="ann-position">
          {open.loading ? 'Loading…' : open.items.length === 0 ? 'No items' : `Item ${open.index + 1} of ${open.total}`}
        </span>
        {summary && summary.total !== null && (
          <span className="ann-progress muted" data-testid="ann-progress" title="Stored by the workbench; labels waiting to sync count once they are stored">
            {summary.byAnnotator[annotator] ?? 0} of {summary.total} done by you · {summary.done} by anyone
          </span>
        )}
        <span className={`ann-status status-${status.split(':')[0]!.replace(/\s+/g, '-')}`} data-testid="ann-item-status" role="status">
          {status}
        </span>
        <span className="spacer" />
        {tools}
      </div>
      {/* What the keys just did, for screen readers: the active field and its value. */}
      <span className="visually-hidden" aria-live="polite" data-testid="ann-announce">
        {item && currentField ? `${currentField.name}: ${formatValue(values[currentField.name])}` : ''}
      </span>
      {open.error && (
        <p className="error-text pad" role="alert">
          {open.error}
        </p>
      )}
      {open.message && (
        <p className="ann-message" role="status" data-testid="ann-message">
          {open.message}
        </p>
      )}
      {!open.loading && !open.error && !item && (
        <div className="ann-empty">
          <p>
            {open.filter === 'todo'
              ? 'Nothing left to do in this queue for you.'
              : open.filter === 'done'
                ? 'Nothing done in this queue yet.'
                : 'This queue has no items.'}{' '}
            Press <kbd>f</kbd> to show {FILTERS.find((f) => f.id === NEXT_FILTER[open.filter])!.label.toLowerCase()} items.
          </p>
        </div>
      )}
      {item && (
        <div className="ann-body">
          <ItemPanel item={item} />
          <aside className="ann-side" aria-label="Score fields">
            <FieldsPanel values={values} />
            <OtherAnnotators />
            <p className="ann-hint muted">
              <kbd>j</kbd>/<kbd>k</kbd> item · <kbd>Tab</kbd> field · <kbd>1</kbd>–<kbd>9</kbd> pick · <kbd>Enter</kbd> submit · <kbd>e</kbd> expected ·{' '}
              <kbd>?</kbd> all keys
            </p>
            {own && !dirty && (
              <p className="muted ann-own">
                Your label: {fields.map((f) => `${f.name} ${formatValue((own.values as Record<string, never>)[f.name])}`).join(' · ')}
              </p>
            )}
          </aside>
        </div>
      )}
    </div>
  )
}

/** Who else annotated the current item, and what they gave. */
function OtherAnnotators() {
  const open = useAnnotateStore((s) => s.open)
  const me = useAnnotateStore((s) => s.annotator)
  const item = open?.items[open.index]
  if (!open || !item) return null
  const others = item.annotations.filter((a) => a.annotator !== me)
  if (others.length === 0) return null
  return (
    <section className="ann-others" aria-label="Other annotators">
      <h3>Other annotators</h3>
      <ul>
        {others.map((a) => (
          <li key={a.id}>
            <strong>{a.annotator}</strong>{' '}
            {open.definition.fields.map((f) => `${f.name}: ${formatValue((a.values as Record<string, never>)[f.name])}`).join(' · ')}
            {!a.complete && <span className="muted"> (incomplete)</span>}
          </li>
        ))}
      </ul>
    </section>
  )
}
