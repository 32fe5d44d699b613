/** JSONL ↔ rows, and the compact text a grid cell shows. */

/** One dataset row: a JSON object with a string `id`. */
export type Row = { id: string } & Record<string, unknown>

/** A line that could not be read as a row. */
export interface JsonlProblem {
  line: number
  message: string
}

/** The rows of a JSONL text, or the first problems (1-based lines). */
export interface ParsedJsonl {
  rows: Row[]
  problems: JsonlProblem[]
}

/** Parses JSONL: one object per line, each with a unique string `id`; blank lines are skipped. */
export function parseJsonl(text: string): ParsedJsonl {
  const rows: Row[] = []
  const problems: JsonlProblem[] = []
  const seen = new Set<string>()
  let line = 0
  let start = 0
  // Walking by indexOf avoids split()'s second copy of a 100 MB string.
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    line++
    const raw = text.slice(start, end).trim()
    start = end + 1
    if (raw === '') continue
    try {
      const value: unknown = JSON.parse(raw)
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('is not a JSON object')
      const id = (value as Record<string, unknown>).id
      if (typeof id !== 'string') throw new Error('has no string "id"')
      if (seen.has(id)) throw new Error(`repeats id "${id}"`)
      seen.add(id)
      rows.push(value as Row)
    } catch (error) {
      if (problems.length < 20) problems.push({ line, message: error instanceof Error ? error.message : String(error) })
    }
  }
  return { rows, problems }
}

/** One row as a JSONL line, `id` first (the order the store and diffs expect). */
export function serializeRow(row: Row): string {
  const { id, ...rest } = row
  return JSON.stringify({ id, ...rest })
}

/** Rows as JSONL text with a trailing newline. */
export function serializeJsonl(rows: readonly Row[]): string {
  let out = ''
  for (const row of rows) out += serializeRow(row) + '\n'
  return out
}

/** The field names of rows in first-seen order, `id` first. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>(['id'])
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key)
  return [...seen]
}

/** A cell's text: strings as they are, everything else as compact JSON, cut at `max` characters. */
export function cellText(value: unknown, max = 200): string {
  if (value === undefined) return ''
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > max ? text.slice(0, max - 1) + '…' : text
}
