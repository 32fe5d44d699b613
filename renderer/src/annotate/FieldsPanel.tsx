/** The queue's score fields for the current item: choices with their keys, and typed fields that open only on `t`/Enter. */
import { useEffect, useRef, useState } from 'react'
import type { AnnotationField } from '../../../common/schemas/annotation'
import { useClient, useHost } from '../api/ClientContext'
import { choicesOf, formatValue, numericProblem, type FieldValue } from './fields'
import { setMode, setValue, submitItem, useAnnotateStore } from './useAnnotateStore'

/** Props of {@link FieldsPanel}. */
export interface FieldsPanelProps {
  values: Record<string, FieldValue>
}

/** The fields. */
export function FieldsPanel({ values }: FieldsPanelProps) {
  const open = useAnnotateStore((s) => s.open)
  if (!open) return null
  return (
    <ol className="ann-fields" aria-label="Fields">
      {open.definition.fields.map((field, i) => (
        <FieldRow
          key={field.name}
          field={field}
          index={i}
          active={i === open.field}
          typing={i === open.field && open.mode === 'typing'}
          value={values[field.name]}
        />
      ))}
    </ol>
  )
}

function FieldRow({
  field,
  index,
  active,
  typing,
  value,
}: {
  field: AnnotationField
  index: number
  active: boolean
  typing: boolean
  value: FieldValue | undefined
}) {
  const choices = choicesOf(field)
  const labelId = `ann-field-${field.name}`
  return (
    <li
      className={`ann-field ${active ? 'is-active' : ''}`}
      aria-current={active ? 'true' : undefined}
      data-testid={`field-${field.name}`}
      onMouseDown={() => useAnnotateStore.setState((s) => (s.open ? { open: { ...s.open, field: index } } : s))}
    >
      <div className="ann-field-head">
        <span id={labelId} className="ann-field-name">
          {field.name}
          {field.required && <span className="ann-required" aria-label="required"> *</span>}
        </span>
        <span className="ann-field-type muted">{describeType(field)}</span>
        <span className="ann-field-value" data-testid={`value-${field.name}`}>
          {formatValue(value)}
        </span>
      </div>
      {field.description && <p className="ann-field-desc muted">{field.description}</p>}
      {choices ? (
        <div className="ann-choices" role="radiogroup" aria-labelledby={labelId}>
          {choices.map((c) => (
            <button
              key={String(c.value)}
              type="button"
              role="radio"
              tabIndex={-1}
              aria-checked={value === c.value}
              className={`ann-choice ${value === c.value ? 'is-selected' : ''}`}
              onClick={() => setValue(field.name, value === c.value ? undefined : c.value)}
            >
              <kbd>{field.type === 'binary' ? `${c.key}/${c.value ? 'y' : 'n'}` : c.key}</kbd> {c.label}
            </button>
          ))}
        </div>
      ) : field.type === 'text' ? (
        <TextInput field={field} value={typeof value === 'string' ? value : ''} typing={typing} labelId={labelId} />
      ) : field.type === 'numeric' ? (
        <NumberInput field={field} value={typeof value === 'number' ? value : null} typing={typing} labelId={labelId} />
      ) : null}
    </li>
  )
}

function describeType(field: AnnotationField): string {
  switch (field.type) {
    case 'binary':
      return 'yes / no'
    case 'categorical':
      return `one of ${field.options.length}`
    case 'numeric':
      return `${field.min}–${field.max}${field.step !== 1 ? ` by ${field.step}` : ''}`
    case 'text':
      return 'text'
  }
}

function useSubmitKeys() {
  const client = useClient()
  const { isMac } = useHost()
  return (event: React.KeyboardEvent) => (isMac ? event.metaKey : event.ctrlKey) && event.key === 'Enter' && (event.preventDefault(), void submitItem(client), true)
}

function TextInput({ field, value, typing, labelId }: { field: Extract<AnnotationField, { type: 'text' }>; value: string; typing: boolean; labelId: string }) {
  const ref = useRef<HTMLTextAreaElement>(null)
  const submitKeys = useSubmitKeys()
  useEffect(() => {
    if (typing) ref.current?.focus()
  }, [typing])
  return (
    <textarea
      ref={ref}
      className="ann-text"
      aria-labelledby={labelId}
      // Read-only until t/Enter opened it: keys pressed while navigating never land here.
      readOnly={!typing}
      tabIndex={-1}
      maxLength={field.maxLength}
      rows={typing ? 4 : 2}
      placeholder={typing ? 'Type; Esc when done' : 'Press t or Enter to type'}
      value={value}
      onChange={(e) => setValue(field.name, e.target.value === '' ? undefined : e.target.value)}
      onKeyDown={(e) => {
        if (!typing) return
        e.stopPropagation()
        if (submitKeys(e)) return
        if (e.key === 'Escape') {
          e.preventDefault()
          setMode('nav')
        }
      }}
    />
  )
}

function NumberInput({ field, value, typing, labelId }: { field: Extract<AnnotationField, { type: 'numeric' }>; value: number | null; typing: boolean; labelId: string }) {
  const seed = useAnnotateStore((s) => s.open?.seed ?? null)
  if (!typing) {
    return (
      <div className="ann-number">
        <input type="text" aria-labelledby={labelId} readOnly tabIndex={-1} placeholder="Type a digit or press t" value={value === null ? '' : String(value)} />
      </div>
    )
  }
  // Mounted afresh each time typing starts, with the key that started it.
  return <NumberEditor field={field} initial={seed ?? (value === null ? '' : String(value))} labelId={labelId} />
}

function NumberEditor({ field, initial, labelId }: { field: Extract<AnnotationField, { type: 'numeric' }>; initial: string; labelId: string }) {
  const ref = useRef<HTMLInputElement>(null)
  const [text, setText] = useState(initial)
  const [problem, setProblem] = useState<string | null>(null)
  const submitKeys = useSubmitKeys()
  useEffect(() => ref.current?.focus(), [])
  const keep = (): boolean => {
    if (text.trim() === '') {
      setValue(field.name, undefined)
      return true
    }
    const n = Number(text)
    const why = numericProblem(field, n)
    setProblem(why)
    if (why) return false
    setValue(field.name, n)
    return true
  }
  return (
    <div className="ann-number">
      <input
        ref={ref}
        type="text"
        inputMode="decimal"
        aria-labelledby={labelId}
        aria-invalid={problem ? true : undefined}
        tabIndex={-1}
        placeholder={`${field.min}–${field.max}; Enter keeps, Esc cancels`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation()
          if ((e.metaKey || e.ctrlKey) && e.key === 'Enter') {
            if (keep()) submitKeys(e)
            else e.preventDefault()
            return
          }
          if (e.key === 'Enter' || e.key === 'Tab') {
            e.preventDefault()
            if (keep()) setMode('nav')
          } else if (e.key === 'Escape') {
            e.preventDefault()
            setMode('nav')
          }
        }}
      />
      {problem && (
        <span className="error-text" role="alert">
          {field.name} {problem}
        </span>
      )}
    </div>
  )
}
