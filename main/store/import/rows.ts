/**
 * From a source record to a dataset row: column mapping (rename, select,
 * nest with dotted targets) and the row's `id`.
 *
 * Ids: the id column's value (`idColumn`, else the row's own `id`) is kept;
 * a number becomes its string. A row without one (missing, null or "") gets
 * `row-<N>`, N its 1-based record number (CSV rows after the header, JSONL
 * lines that are not blank, JSON array elements) — deterministic, so
 * importing the same file twice yields the same ids. If `row-<N>` is some
 * other row's explicit id, the row instead gets `row-<M>` with M counting up
 * from the number of records + 1, skipping explicit ids. Explicit ids always
 * win, so that needs every explicit id known first: when a clash shows up,
 * the import runs a second pass with them (see importDataset).
 */
import { WeftError, type ErrorIssue } from '../../../common/errors'
import { MAX_ROW_ID_LENGTH } from '../../../common/schemas/objects'
import { describeJson, setOwn } from './records'

/** How source columns become row fields. */
export interface RowOptions {
  /** Target field (dotted for nesting: `expected.category`) → source column. Only mapped columns are kept. */
  mapping?: Record<string, string>
  /** Source column whose values are the row ids; default: the `id` column (after mapping), if any. */
  idColumn?: string
}

type Fields = Record<string, unknown>

/** A source column's value; a dotted name reaches into nested JSON when no column has that exact name. */
function sourceValue(record: Fields, column: string): unknown {
  if (Object.hasOwn(record, column)) return record[column]
  if (!column.includes('.')) return undefined
  let value: unknown = record
  for (const key of column.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined
    value = (value as Fields)[key]
  }
  return value
}

/** Sets a dotted path, creating objects on the way. */
function setPath(target: Fields, path: string, value: unknown): void {
  const keys = path.split('.')
  let at = target
  for (const key of keys.slice(0, -1)) {
    if (!Object.hasOwn(at, key)) setOwn(at, key, {})
    at = at[key] as Fields
  }
  setOwn(at, keys.at(-1)!, value)
}

function refuse(issues: ErrorIssue[]): WeftError {
  return new WeftError('INVALID_REQUEST', `Cannot import with these options: ${issues[0]!.path}: ${issues[0]!.message}`, issues)
}

/** Checks a mapping and idColumn before any reading; throws INVALID_REQUEST. */
export function checkRowOptions({ mapping, idColumn }: RowOptions): void {
  const issues: ErrorIssue[] = []
  if (idColumn !== undefined && (typeof idColumn !== 'string' || idColumn === '')) issues.push({ path: 'idColumn', message: 'must be a column name' })
  if (mapping !== undefined) {
    const targets = typeof mapping === 'object' && mapping !== null ? Object.keys(mapping) : []
    if (targets.length === 0) issues.push({ path: 'mapping', message: 'must map at least one field to a column' })
    for (const target of targets) {
      const at = `mapping.${target}`
      if (target.split('.').some((key) => key === '')) issues.push({ path: at, message: 'must be a field name or a dotted path like expected.category' })
      else if (target.startsWith('id.')) issues.push({ path: at, message: 'id is a string; it cannot have fields' })
      const source = mapping[target]
      if (typeof source !== 'string' || source === '') issues.push({ path: at, message: 'must name a source column' })
      const inside = targets.find((other) => other.startsWith(`${target}.`))
      if (inside) issues.push({ path: at, message: `"${target}" is mapped whole and "${inside}" inside it; map one or the other` })
    }
    if (idColumn !== undefined && targets.includes('id')) issues.push({ path: 'idColumn', message: 'the mapping already sets id; give one or the other' })
  }
  if (issues.length > 0) throw refuse(issues)
}

/** Checks mapping and idColumn against a CSV header; throws INVALID_REQUEST naming the missing columns. */
export function checkColumns({ mapping, idColumn }: RowOptions, columns: string[]): void {
  const known = new Set(columns)
  const list = columns.map((c) => JSON.stringify(c)).join(', ')
  const issues: ErrorIssue[] = []
  for (const [target, source] of Object.entries(mapping ?? {})) {
    if (!known.has(source)) issues.push({ path: `mapping.${target}`, message: `the file has no column "${source}" (its columns: ${list})` })
  }
  if (idColumn !== undefined && !known.has(idColumn)) issues.push({ path: 'idColumn', message: `the file has no column "${idColumn}" (its columns: ${list})` })
  if (idColumn !== undefined && idColumn !== 'id' && !mapping && known.has('id')) {
    issues.push({ path: 'idColumn', message: `the file has an "id" column too; map it to another name, or choose it as the id column` })
  }
  if (issues.length > 0) throw refuse(issues)
}

/** Turns source records into row fields plus the raw id to normalise. */
export class RowShaper {
  /** Mapped source columns found in at least one record (a JSON file's columns are only known by reading it). */
  readonly seenSources = new Set<string>()
  private readonly mapped: [target: string, source: string][] | null

  constructor(private readonly options: RowOptions) {
    this.mapped = options.mapping ? Object.entries(options.mapping) : null
  }

  /** The row's fields (without id) and its raw id, or why the record cannot be a row. */
  shape(record: Fields): { fields: Fields; rawId: unknown } | { problem: string } {
    const { idColumn } = this.options
    let fields = record
    if (this.mapped) {
      fields = {}
      for (const [target, source] of this.mapped) {
        const value = sourceValue(record, source)
        if (value === undefined) continue
        this.seenSources.add(source)
        setPath(fields, target, value)
      }
    }
    if (idColumn === undefined) return { fields, rawId: fields.id }
    const own = fields.id
    if (idColumn !== 'id' && own !== undefined && own !== null && own !== '') {
      return { problem: `the row has an "id" field as well as the id column "${idColumn}"; map one of them to another name` }
    }
    const rawId = sourceValue(record, idColumn)
    if (rawId !== undefined) this.seenSources.add(idColumn)
    return { fields, rawId }
  }

  /** Mapped columns (and idColumn) no record had: probably a typo. */
  unseen(): ErrorIssue[] {
    const issues: ErrorIssue[] = []
    for (const [target, source] of Object.entries(this.options.mapping ?? {})) {
      if (!this.seenSources.has(source)) issues.push({ path: `mapping.${target}`, message: `no row has a field "${source}"` })
    }
    const { idColumn } = this.options
    if (idColumn !== undefined && !this.seenSources.has(idColumn)) issues.push({ path: 'idColumn', message: `no row has a field "${idColumn}"` })
    return issues
  }
}

/** Gives each row its id (rule in this file's header) and finds duplicates. */
export class IdAssigner {
  /** Explicit id → line it was first seen on. */
  readonly explicit = new Map<string, number>()
  /** Record numbers given `row-<N>`, one bit each (a Set of strings would cost ~50 bytes a row). */
  private assigned = new Uint8Array(1024)
  private next: number
  /** True once an assigned `row-<N>` clashed with an explicit id (a second pass is needed). */
  collided = false

  /** `reserved`: every explicit id of the file (second pass); `records`: how many the file has. */
  constructor(
    private readonly reserved?: ReadonlySet<string>,
    records = 0,
  ) {
    this.next = records
  }

  /** The row's id, or why it has none. */
  assign(rawId: unknown, recordNumber: number, line: number): { id: string } | { problem: string } {
    if (rawId === undefined || rawId === null || rawId === '') {
      let id = `row-${recordNumber}`
      if (this.reserved) {
        while (this.reserved.has(id)) id = `row-${++this.next}`
      } else {
        if (this.explicit.has(id)) this.collided = true
        this.markAssigned(recordNumber)
      }
      return { id }
    }
    let id: string
    if (typeof rawId === 'string') id = rawId
    else if (typeof rawId === 'number' && Number.isFinite(rawId)) id = String(rawId)
    else return { problem: `id must be a string or a number, not ${describeJson(rawId)}` }
    if (id.length > MAX_ROW_ID_LENGTH) return { problem: `id is longer than ${MAX_ROW_ID_LENGTH} characters` }
    const earlier = this.explicit.get(id)
    if (earlier !== undefined) return { problem: `duplicate id "${id}" (also on line ${earlier})` }
    // A copy: an id cut from a chunk of CSV text would otherwise keep the whole chunk alive.
    this.explicit.set(id.length >= 13 ? Buffer.from(id).toString() : id, line)
    if (!this.reserved && this.wasAssigned(id)) this.collided = true
    return { id }
  }

  private markAssigned(n: number): void {
    const byte = Math.floor(n / 8)
    if (byte >= this.assigned.length) {
      const grown = new Uint8Array(Math.max(this.assigned.length * 2, byte + 1))
      grown.set(this.assigned)
      this.assigned = grown
    }
    this.assigned[byte]! |= 1 << n % 8
  }

  /** Whether `id` is `row-<N>` for a record N that was given that id. */
  private wasAssigned(id: string): boolean {
    const match = /^row-([1-9]\d{0,14})$/.exec(id)
    if (!match) return false
    const n = Number(match[1])
    const byte = Math.floor(n / 8)
    return byte < this.assigned.length && (this.assigned[byte]! & (1 << n % 8)) !== 0
  }
}
