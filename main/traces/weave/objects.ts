/**
 * Weave objects (ops, datasets, evaluations, prompts, models, scorers): content
 * addressed by Weave's digest, versioned per object id in arrival order, as the
 * SQLite trace server keeps them.
 */
import type Database from 'better-sqlite3'
import { valueDigest } from './digest'
import { toJs, type PyValue } from './pyjson'
import type { ObjQuery } from './schemas'

/** An object version as `/obj/read` and `/objs/query` return it (`ObjSchema`). */
export interface WeaveObject {
  project_id: string
  object_id: string
  created_at: string
  deleted_at: null
  digest: string
  version_index: number
  is_latest: number
  kind: 'op' | 'object'
  base_object_class: string | null
  leaf_object_class: string | null
  val: unknown
}

interface ObjectRow {
  project_id: string
  object_id: string
  digest: string
  version_index: number
  kind: 'op' | 'object'
  base_object_class: string | null
  leaf_object_class: string | null
  val: string
  created_ms: number
  latest: number
}

const LATEST = `(SELECT MAX(version_index) FROM weave_objects m WHERE m.project_id = o.project_id AND m.object_id = o.object_id)`
const COLUMNS = `o.project_id, o.object_id, o.digest, o.version_index, o.kind, o.base_object_class, o.leaf_object_class, o.created_ms,
  o.version_index = ${LATEST} AS latest`

const cache = new WeakMap<Database.Database, ReturnType<typeof prepare>>()
function statements(db: Database.Database) {
  let s = cache.get(db)
  if (!s) cache.set(db, (s = prepare(db)))
  return s
}
function prepare(db: Database.Database) {
  return {
    byDigest: db.prepare<[string, string, string], ObjectRow>(`SELECT ${COLUMNS}, o.val FROM weave_objects o WHERE project_id = ? AND object_id = ? AND digest = ?`),
    byVersion: db.prepare<[string, string, number], ObjectRow>(`SELECT ${COLUMNS}, o.val FROM weave_objects o WHERE project_id = ? AND object_id = ? AND version_index = ?`),
    latest: db.prepare<[string, string], ObjectRow>(`SELECT ${COLUMNS}, o.val FROM weave_objects o WHERE project_id = ? AND object_id = ? ORDER BY version_index DESC LIMIT 1`),
    nextVersion: db.prepare<[string, string], { n: number }>('SELECT COALESCE(MAX(version_index) + 1, 0) AS n FROM weave_objects WHERE project_id = ? AND object_id = ?'),
    insert: db.prepare(`INSERT INTO weave_objects (project_id, object_id, digest, version_index, kind, base_object_class, leaf_object_class, val, created_ms)
      VALUES (@project_id, @object_id, @digest, @version_index, @kind, @base_object_class, @leaf_object_class, @val, @created_ms)`),
  }
}

/** Weave's object classes from `_bases`/`_class_name` (weave/shared/object_class_util.py). */
export function objectClasses(val: unknown): { base: string | null; leaf: string | null } {
  if (typeof val !== 'object' || val === null || Array.isArray(val)) return { base: null, leaf: null }
  const v = val as { _bases?: unknown; _class_name?: unknown }
  const bases = Array.isArray(v._bases) ? v._bases : null
  if (!bases || bases.length < 2 || bases.at(-1) !== 'BaseModel' || !['BaseObject', 'Object'].includes(bases.at(-2) as string)) {
    return { base: null, leaf: null }
  }
  const leaf = typeof v._class_name === 'string' ? v._class_name : null
  const base = bases.length > 2 ? String(bases.at(-3)) : leaf
  return { base, leaf }
}

/** Ops are stored as `CustomWeaveType` values of weave_type Op. */
function kindOf(val: unknown): 'op' | 'object' {
  const v = val as { _type?: unknown; weave_type?: { type?: unknown } } | null
  return typeof v === 'object' && v !== null && v._type === 'CustomWeaveType' && v.weave_type?.type === 'Op' ? 'op' : 'object'
}

/** Stores a version (once per digest) and returns its digest and version index. */
export function createObject(
  db: Database.Database,
  input: { projectId: string; objectId: string; val: PyValue },
  now = Date.now(),
): { digest: string; object_id: string; version_index: number } {
  const s = statements(db)
  const digest = valueDigest(input.val)
  const existing = s.byDigest.get(input.projectId, input.objectId, digest)
  if (existing) return { digest, object_id: input.objectId, version_index: existing.version_index }
  const val = toJs(input.val)
  const { base, leaf } = objectClasses(val)
  const version = s.nextVersion.get(input.projectId, input.objectId)!.n
  s.insert.run({
    project_id: input.projectId, object_id: input.objectId, digest, version_index: version, kind: kindOf(val),
    base_object_class: base, leaf_object_class: leaf, val: JSON.stringify(val), created_ms: now,
  })
  return { digest, object_id: input.objectId, version_index: version }
}

/** One version by digest, `latest` or `vN`; undefined when unknown. */
export function readObject(db: Database.Database, projectId: string, objectId: string, version: string): WeaveObject | undefined {
  const s = statements(db)
  const vn = /^v(\d+)$/.exec(version)
  const row = version === 'latest'
    ? s.latest.get(projectId, objectId)
    : (s.byDigest.get(projectId, objectId, version) ?? (vn ? s.byVersion.get(projectId, objectId, Number(vn[1])) : undefined))
  return row && toObject(row, true)
}

/** Object versions matching a Weave `ObjectVersionFilter`, oldest first unless sorted. */
export function queryObjects(db: Database.Database, query: ObjQuery): WeaveObject[] {
  const where = ['o.project_id = ?']
  const args: unknown[] = [query.project_id]
  const f = query.filter ?? {}
  const inList = (column: string, values: readonly string[] | null | undefined) => {
    if (!values) return
    where.push(values.length === 0 ? '0' : `${column} IN (${values.map(() => '?').join(', ')})`)
    args.push(...values)
  }
  inList('o.base_object_class', f.base_object_classes)
  inList('o.leaf_object_class', f.leaf_object_classes)
  inList('o.object_id', f.object_ids)
  if (f.is_op === true) where.push("o.kind = 'op'")
  if (f.is_op === false) where.push("o.kind = 'object'")
  if (f.latest_only) where.push(`o.version_index = ${LATEST}`)
  const sortable: Record<string, string> = { object_id: 'o.object_id', created_at: 'o.created_ms', digest: 'o.digest', version_index: 'o.version_index' }
  const order = (query.sort_by ?? []).flatMap((s) => (sortable[s.field] ? [`${sortable[s.field]} ${s.direction === 'desc' ? 'DESC' : 'ASC'}`] : []))
  order.push('o.created_ms ASC', 'o.object_id ASC', 'o.version_index ASC')
  const sql = `SELECT ${COLUMNS}${query.metadata_only ? '' : ', o.val'} FROM weave_objects o WHERE ${where.join(' AND ')}
    ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`
  const rows = db.prepare<unknown[], ObjectRow>(sql).all(...args, query.limit ?? -1, query.offset ?? 0)
  return rows.map((row) => toObject(row, !query.metadata_only))
}

function toObject(row: ObjectRow, withVal: boolean): WeaveObject {
  return {
    project_id: row.project_id, object_id: row.object_id, created_at: new Date(row.created_ms).toISOString(), deleted_at: null,
    digest: row.digest, version_index: row.version_index, is_latest: row.latest ? 1 : 0, kind: row.kind,
    base_object_class: row.base_object_class, leaf_object_class: row.leaf_object_class,
    val: withVal ? JSON.parse(row.val) : {},
  }
}
