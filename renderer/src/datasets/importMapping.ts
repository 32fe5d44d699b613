/** The import wizard's column mapping: target field ← source column, as the API's `mapping` wants it. */

/** One source column and the field it goes to (empty: left out). */
export interface MappingRow {
  source: string
  target: string
}

/** Every column mapped to a field of its own name. */
export function defaultMapping(columns: readonly string[]): MappingRow[] {
  return columns.map((source) => ({ source, target: source }))
}

/** The request's mapping (target → source), or the reason it cannot be used. Identity mappings send nothing. */
export function buildMapping(rows: readonly MappingRow[], idColumn: string): { mapping?: Record<string, string> } | { error: string } {
  const mapping: Record<string, string> = {}
  const targets = new Set<string>()
  for (const { source, target } of rows) {
    const field = target.trim()
    if (!field || source === idColumn) continue
    if (field === 'id') return { error: `"${source}" cannot go to "id": choose it as the id column instead` }
    if (targets.has(field)) return { error: `two columns go to "${field}"` }
    if (field.split('.').some((part) => part === '')) return { error: `"${field}" is not a field path (empty part between dots)` }
    targets.add(field)
    mapping[field] = source
  }
  // With another id column, an explicit mapping keeps that column from also staying a field.
  const identity = (idColumn === '' || idColumn === 'id') && rows.every((r) => r.target.trim() === r.source)
  return identity ? {} : { mapping }
}
