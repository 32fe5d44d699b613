/**
 * An annotation checked against the fields of the queue version it names:
 * each value must fit its field (yes/no, one of the options, a number in range
 * and on the step, text not too long). The first problem is reported with the
 * path of the value (`values.category`) so the outbox can show where.
 */
import type { AnnotationField, AnnotationInput, QueueDefinition } from '../../common/schemas/annotation'

/** Why an annotation was refused. */
export interface AnnotationProblem {
  path: string
  message: string
}

/** Numbers on the step within this much of a multiple (0.1 + 0.2 is on a 0.1 step). */
const STEP_TOLERANCE = 1e-9

const list = (items: readonly string[]) => items.map((o) => JSON.stringify(o)).join(', ')

/** What is wrong with one value for its field, or null when it fits (null always fits: it clears). */
export function valueProblem(field: AnnotationField, value: unknown): string | null {
  if (value === null) return null
  switch (field.type) {
    case 'binary':
      return typeof value === 'boolean' ? null : `must be true or false (a ${describe(value)} was given)`
    case 'categorical':
      if (typeof value !== 'string') return `must be one of ${list(field.options)} (a ${describe(value)} was given)`
      return field.options.includes(value) ? null : `${JSON.stringify(value)} is not an option; the options are ${list(field.options)}`
    case 'numeric': {
      if (typeof value !== 'number') return `must be a number from ${field.min} to ${field.max} (a ${describe(value)} was given)`
      if (value < field.min || value > field.max) return `${value} is out of range: must be from ${field.min} to ${field.max}`
      const steps = (value - field.min) / field.step
      if (Math.abs(steps - Math.round(steps)) > STEP_TOLERANCE * Math.max(1, Math.abs(steps))) {
        return `${value} is not on the field's step: must be ${field.min} plus a multiple of ${field.step}`
      }
      return null
    }
    case 'text':
      if (typeof value !== 'string') return `must be text (a ${describe(value)} was given)`
      return value.length > field.maxLength ? `is ${value.length} characters long; the field takes at most ${field.maxLength}` : null
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? 'text' : typeof value
}

/** The first problem of an annotation against a queue version, or null when every part fits. */
export function annotationProblem(definition: QueueDefinition, annotation: Pick<AnnotationInput, 'values' | 'expected'>): AnnotationProblem | null {
  const fields = new Map(definition.fields.map((f) => [f.name, f]))
  for (const [name, value] of Object.entries(annotation.values)) {
    const field = fields.get(name)
    if (!field) return { path: `values.${name}`, message: `"${name}" is not a field of this queue version (its fields: ${[...fields.keys()].join(', ')})` }
    const problem = valueProblem(field, value)
    if (problem) return { path: `values.${name}`, message: `${name} ${problem}` }
  }
  if (annotation.expected !== undefined && !definition.expected) {
    return { path: 'expected', message: 'this queue does not take corrections of the expected answer (expected: false in its definition)' }
  }
  return null
}

/** True when every required field has a value that is not null. */
export function isComplete(definition: QueueDefinition, values: Record<string, unknown>): boolean {
  return definition.fields.every((f) => !f.required || (values[f.name] !== undefined && values[f.name] !== null))
}
