/**
 * Weave tables (dataset rows) and files: rows are stored once by their digest,
 * a table is its ordered list of row digests, files are blobs by digest.
 */
import type Database from 'better-sqlite3'
import { WeftError } from '../../../common/errors'
import { bytesDigest, tableDigest, valueDigest } from './digest'
import { toJs, type PyValue } from './pyjson'

/** A row as `/table/query` returns it. */
export interface TableRow {
  digest: string
  val: unknown
  original_index: number
}

/** One `/table/update` step, with rows already Python-typed for their digests. */
export type TableStep = { append: PyValue } | { pop: number } | { insert: { index: number; row: PyValue } }

const cache = new WeakMap<Database.Database, ReturnType<typeof prepare>>()
function statements(db: Database.Database) {
  let s = cache.get(db)
  if (!s) cache.set(db, (s = prepare(db)))
  return s
}
function prepare(db: Database.Database) {
  return {
    table: db.prepare<[string, string], { row_digests: string }>('SELECT row_digests FROM weave_tables WHERE project_id = ? AND digest = ?'),
    putTable: db.prepare('INSERT OR IGNORE INTO weave_tables (project_id, digest, row_digests, created_ms) VALUES (?, ?, ?, ?)'),
    row: db.prepare<[string, string], { val: string }>('SELECT val FROM weave_table_rows WHERE project_id = ? AND digest = ?'),
    putRow: db.prepare('INSERT OR IGNORE INTO weave_table_rows (project_id, digest, val) VALUES (?, ?, ?)'),
    file: db.prepare<[string, string], { content: Buffer }>('SELECT content FROM weave_files WHERE project_id = ? AND digest = ?'),
    putFile: db.prepare('INSERT OR IGNORE INTO weave_files (project_id, digest, content, created_ms) VALUES (?, ?, ?, ?)'),
  }
}

/** Stores rows and the table over them; returns the table digest and each row's digest. */
export function createTable(db: Database.Database, projectId: string, rows: readonly PyValue[], now = Date.now()): { digest: string; row_digests: string[] } {
  const s = statements(db)
  const rowDigests = rows.map((row) => {
    const digest = valueDigest(row)
    s.putRow.run(projectId, digest, JSON.stringify(toJs(row)))
    return digest
  })
  const digest = tableDigest(rowDigests)
  s.putTable.run(projectId, digest, JSON.stringify(rowDigests), now)
  return { digest, row_digests: rowDigests }
}

/** A table over rows already stored (the Python client's `/table/create_from_digests`). */
export function createTableFromDigests(db: Database.Database, projectId: string, rowDigests: readonly string[], now = Date.now()): { digest: string } {
  const s = statements(db)
  rowDigests.forEach((digest, i) => {
    if (!s.row.get(projectId, digest)) {
      throw new WeftError('INVALID_REQUEST', `row_digests.${i}: no row ${digest} in ${projectId}`, [{ path: `row_digests.${i}`, message: `no row ${digest}` }])
    }
  })
  const digest = tableDigest(rowDigests)
  s.putTable.run(projectId, digest, JSON.stringify(rowDigests), now)
  return { digest }
}

/** A table's row digests in order, or undefined when unknown. */
export function tableRowDigests(db: Database.Database, projectId: string, digest: string): string[] | undefined {
  const row = statements(db).table.get(projectId, digest)
  return row ? (JSON.parse(row.row_digests) as string[]) : undefined
}

/** A stored row's value by digest. */
export function readRow(db: Database.Database, projectId: string, digest: string): unknown {
  const row = statements(db).row.get(projectId, digest)
  return row ? JSON.parse(row.val) : undefined
}

/** Applies append/pop/insert steps to a table, making a new one. */
export function updateTable(db: Database.Database, projectId: string, baseDigest: string, steps: readonly TableStep[], now = Date.now()): { digest: string; updated_row_digests: string[] } {
  const s = statements(db)
  const digests = tableRowDigests(db, projectId, baseDigest)
  if (!digests) throw new WeftError('NOT_FOUND', `Table ${baseDigest} not found`)
  const updated: string[] = []
  const put = (row: PyValue) => {
    const digest = valueDigest(row)
    s.putRow.run(projectId, digest, JSON.stringify(toJs(row)))
    updated.push(digest)
    return digest
  }
  steps.forEach((step, i) => {
    if ('append' in step) digests.push(put(step.append))
    else if ('pop' in step) {
      if (step.pop < 0 || step.pop >= digests.length) throw new WeftError('INVALID_REQUEST', `updates.${i}.pop.index: out of range`, [{ path: `updates.${i}.pop.index`, message: 'out of range' }])
      digests.splice(step.pop, 1)
    } else {
      const { index, row } = step.insert
      if (index < 0 || index > digests.length) throw new WeftError('INVALID_REQUEST', `updates.${i}.insert.index: out of range`, [{ path: `updates.${i}.insert.index`, message: 'out of range' }])
      digests.splice(index, 0, put(row))
    }
  })
  const digest = tableDigest(digests)
  s.putTable.run(projectId, digest, JSON.stringify(digests), now)
  return { digest, updated_row_digests: updated }
}

/** Rows of a table in order (optionally only some digests), paginated. */
export function queryTable(
  db: Database.Database,
  query: { projectId: string; digest: string; rowDigests?: readonly string[] | null; limit?: number | null; offset?: number | null },
): TableRow[] | undefined {
  const digests = tableRowDigests(db, query.projectId, query.digest)
  if (!digests) return undefined
  const wanted = query.rowDigests ? new Set(query.rowDigests) : undefined
  const rows: TableRow[] = []
  digests.forEach((digest, index) => {
    if (!wanted || wanted.has(digest)) rows.push({ digest, val: null, original_index: index })
  })
  const offset = query.offset ?? 0
  const page = rows.slice(offset, query.limit === null || query.limit === undefined ? undefined : offset + query.limit)
  for (const row of page) row.val = readRow(db, query.projectId, row.digest) ?? null
  return page
}

/** Stores a file by the digest of its bytes. */
export function createFile(db: Database.Database, projectId: string, content: Buffer, now = Date.now()): string {
  const digest = bytesDigest(content)
  statements(db).putFile.run(projectId, digest, content, now)
  return digest
}

/** A stored file's bytes, or undefined. */
export function readFile(db: Database.Database, projectId: string, digest: string): Buffer | undefined {
  return statements(db).file.get(projectId, digest)?.content
}
