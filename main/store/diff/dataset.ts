/**
 * Row diff of two JSONL datasets, matched by `id`.
 *
 * Sized for 100k-row versions: each line is keyed by its id (read straight
 * from the text when the line is canonical, `{"id":"…",`), rows whose text is
 * identical on both sides are counted unchanged without being parsed, and
 * only lines that differ are parsed and diffed field by field. So a line that
 * is identical in both versions is not re-validated here; every other line is.
 */
import { WeftError } from '../../../common/errors'
import type { ChangedRow, DatasetDiff, DiffRow, JsonValue } from '../../../common/schemas/diff'
import { diffFields } from './fields'

type Side = 'before' | 'after'

interface Entry {
  id: string
  text: string
  /** 1-based line in its file. */
  line: number
  /** Position among the file's rows, to notice reordering. */
  index: number
  row?: DiffRow
}

interface IndexedSide {
  entries: Entry[]
  byId: Map<string, Entry>
}

const CANONICAL_PREFIX = '{"id":"'

/** The id of a canonical line without parsing it, or null when the line needs JSON.parse. */
function canonicalId(text: string): string | null {
  if (!text.startsWith(CANONICAL_PREFIX)) return null
  const end = text.indexOf('"', CANONICAL_PREFIX.length)
  if (end === -1) return null
  const next = text.charCodeAt(end + 1)
  if (next !== 44 /* , */ && next !== 125 /* } */) return null
  const id = text.slice(CANONICAL_PREFIX.length, end)
  // An escape would need decoding; leave those lines to JSON.parse.
  return id.includes('\\') ? null : id
}

function invalid(side: Side, line: number, message: string, file: string | undefined): WeftError {
  const where = `${file ?? 'dataset'} (${side} version), line ${line}`
  return new WeftError('INVALID_FILE', `${where}: ${message}`, [{ path: '', line, message: `${side} version: ${message}`, ...(file ? { file } : {}) }])
}

/** Parses one line into a row; throws INVALID_FILE naming the side and line. */
function parseRow(entry: Entry, side: Side, file: string | undefined): DiffRow {
  if (entry.row) return entry.row
  let value: unknown
  try {
    value = JSON.parse(entry.text)
  } catch (error) {
    throw invalid(side, entry.line, `not valid JSON: ${(error as Error).message}`, file)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(side, entry.line, 'a row must be a JSON object', file)
  const id = (value as { id?: unknown }).id
  if (typeof id !== 'string') throw invalid(side, entry.line, 'every row needs an "id" that is a string', file)
  // Only a row with two "id" keys reads differently parsed than scanned.
  if (entry.id !== '' && id !== entry.id) throw invalid(side, entry.line, 'the row has more than one "id" key', file)
  entry.id = id
  entry.row = value as DiffRow
  return entry.row
}

/** Every row of one version keyed by id; throws INVALID_FILE on a bad line or a duplicate id. */
function indexSide(text: string | null, side: Side, file: string | undefined): IndexedSide {
  const entries: Entry[] = []
  const byId = new Map<string, Entry>()
  if (text === null) return { entries, byId }
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1)
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1)
    // Blank lines hold no row (a final newline makes one); the store refuses them on save anyway.
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) continue
    const entry: Entry = { id: '', text: line, line: i + 1, index: entries.length }
    const fast = canonicalId(line)
    if (fast === null) parseRow(entry, side, file)
    else entry.id = fast
    const earlier = byId.get(entry.id)
    if (earlier) throw invalid(side, entry.line, `duplicate id "${entry.id}" (also on line ${earlier.line})`, file)
    byId.set(entry.id, entry)
    entries.push(entry)
  }
  return { entries, byId }
}

/** Options of {@link diffDatasets}. */
export interface DatasetDiffOptions {
  /** Most rows in each of added, removed and changed; stats count all. */
  limit?: number
  /** Named in errors. */
  file?: string
}

/** Row diff of two JSONL texts (null = the dataset did not exist). */
export function diffDatasets(before: string | null, after: string | null, options: DatasetDiffOptions = {}): DatasetDiff {
  const { file } = options
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  const old = indexSide(before, 'before', file)
  const neu = indexSide(after, 'after', file)
  const added: DiffRow[] = []
  const removed: DiffRow[] = []
  const changed: ChangedRow[] = []
  const stats = { added: 0, removed: 0, changed: 0, unchanged: 0 }
  let reordered = false
  let lastOldIndex = -1
  for (const entry of neu.entries) {
    const match = old.byId.get(entry.id)
    if (!match) {
      // Parsed even past the limit, so a bad line fails the same way whatever the limit.
      const row = parseRow(entry, 'after', file)
      if (stats.added++ < limit) added.push(row)
      continue
    }
    if (match.index < lastOldIndex) reordered = true
    lastOldIndex = match.index
    if (match.text === entry.text) {
      stats.unchanged++
      continue
    }
    const beforeRow = parseRow(match, 'before', file)
    const afterRow = parseRow(entry, 'after', file)
    // Different text can be the same row (key order, spacing): only field changes count.
    const fields = diffFields(beforeRow as JsonValue, afterRow as JsonValue)
    if (fields.length === 0) {
      stats.unchanged++
      continue
    }
    if (stats.changed++ < limit) changed.push({ id: entry.id, before: beforeRow, after: afterRow, fields })
  }
  for (const entry of old.entries) {
    if (neu.byId.has(entry.id)) continue
    const row = parseRow(entry, 'before', file)
    if (stats.removed++ < limit) removed.push(row)
  }
  const status =
    before === null && after !== null
      ? 'added'
      : after === null && before !== null
        ? 'removed'
        : stats.added + stats.removed + stats.changed > 0
          ? 'changed'
          : 'unchanged'
  return { kind: 'dataset', status, added, removed, changed, unchanged: stats.unchanged, reordered, stats }
}
