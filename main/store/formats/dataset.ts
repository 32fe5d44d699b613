/**
 * Datasets: JSONL, one JSON object per line, each with a unique string `id`.
 * The canonical form is one `JSON.stringify(row)` per line with `id` first,
 * so a version's identity depends on the rows, not on spacing.
 */
import type { ErrorIssue } from '../../../common/errors'
import { DatasetRowSchema, type DatasetRow } from '../../../common/schemas/objects'
import { invalidFile } from './text'

export { decodeUtf8 } from './text'

/** The longest line a dataset may have, in UTF-8 bytes. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024

/** Problems reported per file before giving up: enough to see a pattern, not a wall of text. */
const MAX_ISSUES = 20

/** Path of the first integer in `value` too large to survive JSON.parse unchanged, or null. */
function unsafeIntegerPath(value: unknown, path: string): string | null {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value) ? path : null
  if (typeof value !== 'object' || value === null) return null
  for (const [key, child] of Object.entries(value)) {
    const found = unsafeIntegerPath(child, path ? `${path}.${key}` : key)
    if (found !== null) return found
  }
  return null
}

/**
 * Parses JSONL into rows; throws INVALID_FILE naming every bad line (up to
 * 20): not JSON, not an object, a blank line (only one final newline may
 * end the file), a line over 10 MB, a missing or non-string `id`, a
 * duplicate `id` (with both lines), or an integer past 2^53 (JSON.parse
 * would silently change its digits).
 */
export function parseJsonl(text: string, file: string): DatasetRow[] {
  // A BOM (Excel and Notepad write one) is not part of the first row.
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n')
  if (lines.at(-1) === '') lines.pop()
  const rows: DatasetRow[] = []
  const issues: ErrorIssue[] = []
  const firstLineOf = new Map<string, number>()
  const problem = (line: number, message: string, path = '') => issues.push({ file, line, path, message })
  for (let i = 0; i < lines.length && issues.length < MAX_ISSUES; i++) {
    const line = i + 1
    const source = lines[i]!
    // Bytes are at most 3 per UTF-16 unit, so most lines skip the exact count.
    if (source.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(source, 'utf8') > MAX_LINE_BYTES) {
      problem(line, `line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB; split large values into files and store their paths`)
      continue
    }
    if (source.trim() === '') {
      problem(line, 'blank line; every line must be one JSON object')
      continue
    }
    let value: unknown
    try {
      value = JSON.parse(source)
    } catch (error) {
      problem(line, `not valid JSON: ${(error as Error).message}`)
      continue
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem(line, `must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`)
      continue
    }
    const parsed = DatasetRowSchema.safeParse(value)
    if (!parsed.success) {
      const id = (value as Record<string, unknown>).id
      const hint = typeof id === 'number' ? ' (import converts numbers; in the file an id is a string: "id": "' + String(id) + '")' : ''
      problem(line, `${parsed.error.issues[0]?.message ?? 'invalid row'}${hint}`, 'id')
      continue
    }
    // The parsed row, not zod's copy: only the id is checked, every field is kept as read.
    const row = value as DatasetRow
    const earlier = firstLineOf.get(row.id)
    if (earlier !== undefined) {
      problem(line, `duplicate id "${row.id}" (also on line ${earlier})`, 'id')
      continue
    }
    firstLineOf.set(row.id, line)
    const unsafe = unsafeIntegerPath(row, '')
    if (unsafe !== null) {
      problem(line, 'integer beyond 2^53 would lose digits; write it as a string', unsafe)
      continue
    }
    rows.push(row)
  }
  if (issues.length > 0) throw invalidFile(issues)
  return rows
}

/** One canonical line: the row as `JSON.stringify` writes it, `id` first. */
export function formatRow(row: DatasetRow): string {
  // The other keys keep their order (integer-like keys first, as in any JS object).
  const { id, ...rest } = row
  return JSON.stringify({ id, ...rest })
}

/** Canonical JSONL: one row per line, LF, a final newline; empty for no rows. */
export function formatJsonl(rows: DatasetRow[]): string {
  return rows.map((row) => `${formatRow(row)}\n`).join('')
}

/** Canonical text and rows of a dataset; throws INVALID_FILE saying where. */
export function canonicalizeDataset(text: string, file: string): { content: string; data: DatasetRow[] } {
  const rows = parseJsonl(text, file)
  return { content: formatJsonl(rows), data: rows }
}

