/**
 * A queue's annotations as a file: JSONL (one stored annotation per line, as
 * `annotations.list` returns it) or CSV (item, annotator, one column per
 * field, expected, note, time; RFC 4180 quoting through papaparse, as the
 * project's other CSV exports).
 */
import type Papa from 'papaparse'
import type { Annotation, AnnotationField } from '../../common/schemas/annotation'
import { lazyRequire } from '../lazyRequire'

// Required on the first CSV export, not at start-up.
const loadPapaparse = lazyRequire<typeof Papa>('papaparse')

/** One annotation per line. */
export function annotationsJsonl(annotations: readonly Annotation[]): string {
  return annotations.map((a) => `${JSON.stringify(a)}\n`).join('')
}

/** A CSV cell: text as is, numbers and booleans printed, anything else as JSON, nothing as empty. */
function cell(value: unknown): string | number | boolean {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return JSON.stringify(value)
}

/**
 * One line per annotation: `itemId, annotator, <field>…, expected, note,
 * updated` (ISO time). Field columns are the queue's fields in order, then any
 * field only older versions had; a field named like a fixed column is headed
 * `values.<name>`.
 */
export function annotationsCsv(fields: readonly AnnotationField[], annotations: readonly Annotation[]): string {
  const names = fields.map((f) => f.name)
  for (const a of annotations) for (const name of Object.keys(a.values)) if (!names.includes(name)) names.push(name)
  // A field named like a fixed column (`note`, say) is headed `values.note` so no two columns share a name.
  const fixed = new Set(['itemId', 'annotator', 'expected', 'note', 'updated'])
  const header = ['itemId', 'annotator', ...names.map((n) => (fixed.has(n) ? `values.${n}` : n)), 'expected', 'note', 'updated']
  const data = annotations.map((a) => [a.itemId, a.annotator, ...names.map((n) => cell(a.values[n])), cell(a.expected), cell(a.note), new Date(a.updatedMs).toISOString()])
  // papaparse ends a header-only table with a newline of its own: exactly one line break ends the file.
  return `${loadPapaparse().unparse({ fields: header, data }, { newline: '\r\n' }).replace(/(\r\n)+$/, '')}\r\n`
}
