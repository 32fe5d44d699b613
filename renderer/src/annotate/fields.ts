/** What a score field offers the keyboard: its choices, which key picks which, and when an annotation is complete. */
import type { AnnotationField } from '../../../common/schemas/annotation'

/** A value one annotation holds for one field (null: cleared). */
export type FieldValue = boolean | number | string | null

/** One choice of a field, with the key that picks it. */
export interface FieldChoice {
  value: boolean | number | string
  label: string
  key: string
}

/** Numeric fields with at most this many values are picked with number keys; wider ones are typed. */
export const MAX_KEYED_VALUES = 10

// 1–9, then 0 for the tenth.
const NUMBER_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']

/** The values of a numeric field, or null when there are too many to pick with number keys. */
export function numericValues(field: Extract<AnnotationField, { type: 'numeric' }>): number[] | null {
  const count = Math.floor((field.max - field.min) / field.step + 1e-9) + 1
  if (count > MAX_KEYED_VALUES) return null
  // Rounded to the step's decimals, so 0.1 steps read 0.3 and not 0.30000000000000004.
  const decimals = (String(field.step).split('.')[1] ?? '').length
  return Array.from({ length: count }, (_, i) => Number((field.min + i * field.step).toFixed(decimals)))
}

/** The choices a field offers, or null when its value is typed (text, wide numeric ranges). */
export function choicesOf(field: AnnotationField): FieldChoice[] | null {
  switch (field.type) {
    case 'binary':
      return [
        { value: true, label: 'yes', key: '1' },
        { value: false, label: 'no', key: '2' },
      ]
    case 'categorical':
      return field.options.map((option, i) => ({ value: option, label: option, key: NUMBER_KEYS[i]! }))
    case 'numeric':
      return numericValues(field)?.map((value, i) => ({ value, label: String(value), key: NUMBER_KEYS[i]! })) ?? null
    case 'text':
      return null
  }
}

/** The value a key picks for a field (`y`/`n` for binary, number keys for choices), or undefined. */
export function valueForKey(field: AnnotationField, key: string): FieldValue | undefined {
  if (field.type === 'binary') {
    if (key === 'y' || key === 'Y') return true
    if (key === 'n' || key === 'N') return false
  }
  return choicesOf(field)?.find((c) => c.key === key)?.value
}

/** Why a typed number does not fit a numeric field, or null when it does. */
export function numericProblem(field: Extract<AnnotationField, { type: 'numeric' }>, value: number): string | null {
  if (!Number.isFinite(value)) return 'is not a number'
  if (value < field.min || value > field.max) return `must be between ${field.min} and ${field.max}`
  const steps = (value - field.min) / field.step
  if (Math.abs(steps - Math.round(steps)) > 1e-6) return `must be ${field.min} plus a multiple of ${field.step}`
  return null
}

/** True when a value counts as given. */
export function hasValue(value: FieldValue | undefined): boolean {
  return value !== undefined && value !== null && value !== ''
}

/** The required fields without a value. */
export function missingFields(fields: readonly AnnotationField[], values: Record<string, FieldValue | undefined>): AnnotationField[] {
  return fields.filter((f) => f.required && !hasValue(values[f.name]))
}

/** A value as the view shows it. */
export function formatValue(value: FieldValue | undefined): string {
  if (value === undefined || value === null || value === '') return '—'
  if (value === true) return 'yes'
  if (value === false) return 'no'
  return String(value)
}
