/**
 * Scorer parameters may refer to the dataset row with `{{path}}` templates
 * (issue 8): `"{{expected.category}}"` is `row.expected.category`. A template
 * that is the whole string keeps the value's type (a number stays a number);
 * templates inside longer text are interpolated as text.
 */

const WHOLE = /^\{\{\s*([^{}]+?)\s*\}\}$/
const EMBEDDED = /\{\{\s*([^{}]+?)\s*\}\}/g

/** Thrown when a template names a path the row does not have. */
export class ParamTemplateError extends Error {
  constructor(
    readonly path: string,
    message: string
  ) {
    super(message)
    this.name = 'ParamTemplateError'
  }
}

/** Returns `params` with every `{{path}}` template replaced by the row's value at that path; `literal` top-level keys are left as written. */
export function resolveParams<T>(params: T, row: Record<string, unknown>, literal: readonly string[] = []): T {
  if (literal.length === 0 || params === null || typeof params !== 'object' || Array.isArray(params)) return resolveValue(params, row) as T
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, literal.includes(key) ? value : resolveValue(value, row)])) as T
}

function resolveValue(value: unknown, row: Record<string, unknown>): unknown {
  if (typeof value === 'string') return resolveString(value, row)
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, row))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = resolveValue(item, row)
    return out
  }
  return value
}

function resolveString(text: string, row: Record<string, unknown>): unknown {
  const whole = WHOLE.exec(text)
  if (whole?.[1] !== undefined) return lookup(row, whole[1])
  return text.replace(EMBEDDED, (_match, path: string) => asText(lookup(row, path)))
}

/** Reads a dotted path (`expected.items.0.name`) from the row, or throws naming the path. */
export function lookup(row: Record<string, unknown>, path: string): unknown {
  let current: unknown = row
  const seen: string[] = []
  for (const key of path.split('.')) {
    const container = current
    const has =
      container !== null &&
      typeof container === 'object' &&
      Object.prototype.hasOwnProperty.call(container, key)
    if (!has) {
      const where = seen.length === 0 ? 'the row' : `row.${seen.join('.')}`
      throw new ParamTemplateError(
        path,
        `parameter template {{${path}}}: ${where} has no "${key}"`
      )
    }
    current = (container as Record<string, unknown>)[key]
    seen.push(key)
  }
  return current
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  return JSON.stringify(value)
}
