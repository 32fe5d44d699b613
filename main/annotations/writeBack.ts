/**
 * Write-back (issue 10): a queue's labels become one new dataset version.
 * Resolving turns each item's complete annotations into one set of values
 * (the newest annotation, the majority per field, or one annotator's), and
 * applying puts them into rows: at `writeBack.columns[field]` or
 * `labels.<field>`, with `expected` replaced by an annotator's correction.
 *
 * A dataset source updates its own rows (order and ids kept, other rows
 * untouched); trace and evaluation items become rows whose id is the item id
 * (updated when present, else appended), their input fields from the item.
 */
import { WeftError } from '../../common/errors'
import type { Annotation, QueueDefinition } from '../../common/schemas/annotation'
import type { z } from 'zod'
import type { WriteBackResolveSchema } from '../../common/schemas/annotation'
import type { SourceItem } from './sources'

/** How the labels of an item annotated by several people become one. */
export type Resolve = z.output<typeof WriteBackResolveSchema>

/** An item's resolved labels. */
export interface ResolvedLabels {
  values: Record<string, boolean | number | string>
  /** An annotator's correction of the expected answer, when one was made. */
  expected?: { value: unknown }
  /** The newest annotation counted. */
  updatedMs: number
}

/** Resolves each item's complete annotations; items without one are left out. */
export function resolveLabels(annotations: readonly Annotation[], resolve: Resolve): Map<string, ResolvedLabels> {
  const byItem = new Map<string, Annotation[]>()
  for (const a of annotations) {
    if (!a.complete) continue
    if (typeof resolve === 'object' && a.annotator !== resolve.annotator) continue
    const list = byItem.get(a.itemId) ?? []
    list.push(a)
    byItem.set(a.itemId, list)
  }
  const out = new Map<string, ResolvedLabels>()
  for (const [itemId, list] of byItem) {
    // Newest first; ties by id so the choice never depends on storage order.
    const sorted = [...list].sort((x, y) => y.updatedMs - x.updatedMs || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    const newest = sorted[0]!
    const corrected = sorted.find((a) => a.expected !== undefined)
    if (resolve !== 'majority') {
      out.set(itemId, { values: presentValues(newest.values), ...(newest.expected === undefined ? {} : { expected: { value: newest.expected } }), updatedMs: newest.updatedMs })
      continue
    }
    const names = [...new Set(sorted.flatMap((a) => Object.keys(a.values)))]
    const values: ResolvedLabels['values'] = {}
    for (const name of names) {
      // Counted per value; on a tie the value given most recently wins (sorted is newest first, so its first sighting is its newest).
      const tally = new Map<string, { value: boolean | number | string; count: number; rank: number }>()
      sorted.forEach((a, rank) => {
        const value = a.values[name]
        if (value === null || value === undefined) return
        const k = JSON.stringify(value)
        const seen = tally.get(k)
        if (seen) seen.count++
        else tally.set(k, { value, count: 1, rank })
      })
      const best = [...tally.values()].sort((x, y) => y.count - x.count || x.rank - y.rank)[0]
      if (best) values[name] = best.value
    }
    out.set(itemId, { values, ...(corrected ? { expected: { value: corrected.expected } } : {}), updatedMs: newest.updatedMs })
  }
  return out
}

function presentValues(values: Annotation['values']): ResolvedLabels['values'] {
  const out: ResolvedLabels['values'] = {}
  for (const [name, value] of Object.entries(values)) if (value !== null) out[name] = value
  return out
}

type Row = Record<string, unknown> & { id: string }

/** Counts of what a write-back did to rows. */
export interface RowCounts {
  updated: number
  added: number
  unchanged: number
}

/** Sets `value` at a dotted path of `row`, making objects on the way; refuses to overwrite a non-object on the way. */
export function setPath(row: Row, dotted: string, value: unknown): void {
  const parts = dotted.split('.')
  let target: Record<string, unknown> = row
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!
    const next = target[part]
    if (next === undefined || next === null) target = target[part] = {}
    else if (typeof next === 'object' && !Array.isArray(next)) target = target[part] = { ...(next as Record<string, unknown>) }
    else {
      throw new WeftError(
        'CONFLICT',
        `Row ${row.id}: cannot write ${dotted} because ${parts.slice(0, i + 1).join('.')} holds ${Array.isArray(next) ? 'a list' : `a ${typeof next}`}, not an object; choose another column in writeBack.columns`,
        [{ path: `writeBack.columns`, message: `${dotted} is not writable in row ${row.id}` }],
      )
    }
  }
  target[parts.at(-1)!] = value
}

/** A row with an item's resolved labels applied (a copy). */
export function labelRow(row: Row, labels: ResolvedLabels, definition: QueueDefinition): Row {
  const next: Row = { ...row }
  if (labels.expected) next.expected = labels.expected.value
  for (const field of definition.fields) {
    const value = labels.values[field.name]
    if (value === undefined) continue
    const column = definition.writeBack?.columns?.[field.name] ?? `labels.${field.name}`
    // A row's id is what every version and run aligns rows by: labels never rename rows.
    if (column === 'id' || column.startsWith('id.')) {
      throw new WeftError('INVALID_FILE', `writeBack.columns.${field.name} is ${column}: labels cannot be written into a row's id; choose another column`, [{ path: `writeBack.columns.${field.name}`, message: 'writes into the row id' }])
    }
    setPath(next, column, value)
  }
  return next
}

/** Deep equality of JSON values (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/**
 * A dataset source's rows with labels applied: annotated rows change in
 * place; an annotated row the target no longer has is appended from the
 * source item (its labels are not dropped).
 */
export function applyToSourceRows(rows: readonly Row[], labels: Map<string, ResolvedLabels>, definition: QueueDefinition, items: ReadonlyMap<string, SourceItem>): { rows: Row[]; counts: RowCounts } {
  const counts: RowCounts = { updated: 0, added: 0, unchanged: 0 }
  const seen = new Set<string>()
  const out = rows.map((row) => {
    const resolved = labels.get(row.id)
    if (!resolved) return row
    seen.add(row.id)
    const next = labelRow(row, resolved, definition)
    if (sameJson(next, row)) {
      counts.unchanged++
      return row
    }
    counts.updated++
    return next
  })
  for (const [id, resolved] of labels) {
    if (seen.has(id)) continue
    const item = items.get(id)
    if (!item) continue
    out.push(labelRow(datasetItemRow(item), resolved, definition))
    counts.added++
  }
  return { rows: out, counts }
}

/** A dataset item as a row again: its input fields, output and expected. */
export function datasetItemRow(item: SourceItem): Row {
  return {
    ...(item.input as Record<string, unknown>), id: item.id,
    ...(item.output === undefined ? {} : { output: item.output }), ...(item.expected === undefined ? {} : { expected: item.expected }),
  }
}

/** A trace or evaluation item as a row: input fields (spread when an object, else `{input}`), expected the output the annotator saw. */
export function resultItemRow(item: SourceItem): Row {
  const input = typeof item.input === 'object' && item.input !== null && !Array.isArray(item.input) ? withoutId(item.input as Record<string, unknown>) : { input: item.input ?? null }
  return { ...input, id: item.id, ...(item.output === undefined ? {} : { expected: item.output }) }
}

/**
 * Items' labels as rows of another dataset: the row whose id is the item id
 * is updated, else one is appended, built by `rowOf` ({@link resultItemRow}
 * for traces and evaluation results, {@link datasetItemRow} for a dataset
 * written to another one) — with a correction as expected, and the labels.
 */
export function applyToItemRows(
  rows: readonly Row[], labels: Map<string, ResolvedLabels>, definition: QueueDefinition, items: readonly SourceItem[], rowOf: (item: SourceItem) => Row = resultItemRow,
): { rows: Row[]; counts: RowCounts } {
  const counts: RowCounts = { updated: 0, added: 0, unchanged: 0 }
  const index = new Map(rows.map((row, i) => [row.id, i]))
  const out = [...rows]
  // Items in the source's order, so appended rows read in the order people saw them.
  for (const item of items) {
    const resolved = labels.get(item.id)
    if (!resolved) continue
    const at = index.get(item.id)
    const next = labelRow({ ...(at === undefined ? {} : out[at]), ...rowOf(item) }, resolved, definition)
    if (at === undefined) {
      out.push(next)
      counts.added++
    } else if (sameJson(next, out[at])) {
      counts.unchanged++
    } else {
      out[at] = next
      counts.updated++
    }
  }
  return { rows: out, counts }
}

function withoutId(input: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ...rest } = input
  return rest
}
