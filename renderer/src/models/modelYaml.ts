/**
 * A model config's YAML as a form: the fields the form shows, read from the
 * text, and a field edit written back into the text. Edits go through the
 * YAML document, so comments, key order and fields the form does not show
 * (description, extra parameters) survive.
 */
import { isMap, parseDocument } from 'yaml'

/** The fields of the form, as text (empty = absent). */
export interface ModelForm {
  provider: string
  model: string
  base_url: string
  temperature: string
  max_tokens: string
  top_p: string
  api_key_env: string
}

/** A field of the form. */
export type ModelField = keyof ModelForm

/** Where each field lives in the YAML, and whether it is a number. */
export const MODEL_FIELDS: readonly { field: ModelField; path: string[]; numeric: boolean; label: string; hint: string }[] = [
  { field: 'provider', path: ['provider'], numeric: false, label: 'Provider', hint: 'openai, anthropic, openai-compatible or echo' },
  { field: 'model', path: ['model'], numeric: false, label: 'Model', hint: 'The provider’s model id, e.g. gpt-4o-mini' },
  { field: 'base_url', path: ['base_url'], numeric: false, label: 'Base URL', hint: 'Only for self-hosted or compatible endpoints' },
  { field: 'temperature', path: ['parameters', 'temperature'], numeric: true, label: 'Temperature', hint: '0 or more; lower is more deterministic' },
  { field: 'max_tokens', path: ['parameters', 'max_tokens'], numeric: true, label: 'Max tokens', hint: 'A whole number, 1 or more' },
  { field: 'top_p', path: ['parameters', 'top_p'], numeric: true, label: 'Top p', hint: 'Between 0 and 1' },
  { field: 'api_key_env', path: ['api_key_env'], numeric: false, label: 'API key variable', hint: 'The NAME of an environment variable holding the key — never the key' },
]

/** The form's values, or the YAML error that stops the form from reading the text. */
export function readModelForm(text: string): { form: ModelForm; error: null } | { form: null; error: string } {
  const doc = parseDocument(text)
  if (doc.errors.length > 0) return { form: null, error: doc.errors[0]!.message.split('\n')[0]! }
  if (doc.contents !== null && !isMap(doc.contents)) return { form: null, error: 'the file must be a map of fields (provider, model, …)' }
  const form = {} as ModelForm
  for (const { field, path } of MODEL_FIELDS) {
    const value = doc.getIn(path)
    form[field] = value === undefined || value === null ? '' : String(value)
  }
  return { form, error: null }
}

/** The text with one field set (or removed when `value` is empty); numbers stay numbers when they parse. */
export function writeModelField(text: string, field: ModelField, value: string): string {
  const spec = MODEL_FIELDS.find((f) => f.field === field)!
  const doc = parseDocument(text)
  if (doc.errors.length > 0) return text
  if (value.trim() === '') {
    doc.deleteIn(spec.path)
    // An emptied parameters map goes too, rather than leaving `parameters: {}`.
    const parent = spec.path.length > 1 ? doc.getIn(spec.path.slice(0, -1)) : undefined
    if (isMap(parent) && parent.items.length === 0) doc.deleteIn(spec.path.slice(0, -1))
  } else {
    const number = Number(value)
    doc.setIn(spec.path, spec.numeric && value.trim() !== '' && Number.isFinite(number) ? number : value)
  }
  return doc.toString()
}

/** The starter text of a new model config. */
export function starterModel(): string {
  return ['provider: openai', 'model: gpt-4o-mini', 'parameters:', '  temperature: 0.2', '  max_tokens: 512', 'api_key_env: OPENAI_API_KEY', ''].join('\n')
}
