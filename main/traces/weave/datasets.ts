/**
 * Weave datasets as Weft can import them: each saved version of a `Dataset`
 * object, with its rows (a table ref in `val.rows`) as plain JSON objects.
 */
import type { TraceDb } from '../db'
import { valueDigest } from './digest'
import { parseWeaveRef } from './ids'
import { parsePyJson } from './pyjson'
import { readObject } from './objects'
import { readRow, tableRowDigests } from './tables'

/** One saved version of a Weave dataset. */
export interface WeaveDatasetVersion {
  name: string
  digest: string
  versionIndex: number
  rowCount: number
  createdMs: number
  /** The Weave project (`entity/project`) it was saved in. */
  projectId: string
  description: string | null
}

interface DatasetRow {
  project_id: string
  object_id: string
  digest: string
  version_index: number
  created_ms: number
  val: string
}

/** Every version of every Weave dataset, by name then version. */
export function listWeaveDatasets(traces: TraceDb): WeaveDatasetVersion[] {
  const rows = traces.sqlite.prepare<[], DatasetRow>(
    `SELECT project_id, object_id, digest, version_index, created_ms, val FROM weave_objects
     WHERE base_object_class = 'Dataset' OR leaf_object_class = 'Dataset' ORDER BY object_id, version_index`,
  ).all()
  return rows.map((row) => {
    const val = JSON.parse(row.val) as { name?: unknown; description?: unknown; rows?: unknown }
    return {
      name: row.object_id, digest: row.digest, versionIndex: row.version_index,
      rowCount: rowDigests(traces, row.project_id, val.rows)?.length ?? 0,
      createdMs: row.created_ms, projectId: row.project_id,
      description: typeof val.description === 'string' ? val.description : null,
    }
  })
}

/**
 * A dataset version's rows (the latest version when `digest` is omitted; `vN`
 * also works), or undefined when there is no such dataset.
 */
export function readWeaveDatasetRows(traces: TraceDb, name: string, digest?: string, projectId?: string): Array<Record<string, unknown>> | undefined {
  const project = projectId ?? traces.sqlite.prepare<[string], { project_id: string }>(
    `SELECT project_id FROM weave_objects WHERE object_id = ? AND (base_object_class = 'Dataset' OR leaf_object_class = 'Dataset')
     ORDER BY created_ms DESC LIMIT 1`,
  ).get(name)?.project_id
  if (!project) return undefined
  const obj = readObject(traces.sqlite, project, name, digest ?? 'latest')
  if (!obj) return undefined
  const val = obj.val as { rows?: unknown }
  if (Array.isArray(val.rows)) return val.rows as Array<Record<string, unknown>>
  const ref = typeof val.rows === 'string' ? parseWeaveRef(val.rows) : undefined
  const digests = rowDigests(traces, project, val.rows)
  if (!digests || !ref) return []
  return digests.map((d) => (readRow(traces.sqlite, ref.projectId, d) ?? {}) as Record<string, unknown>)
}

/**
 * Each row's Weft row id: its own `id` when it has one, else `w-` and the start
 * of its Weave row digest, stable across dataset versions (identical rows get
 * -2, -3…). The rule `weave.importDataset` applies (traceHandlers.ts), so a
 * Weave evaluation's rows line up with the imported dataset's; the SDK test
 * tests/node/weave-evals.test.ts holds the two to the same ids.
 */
export function weaveRowIds(rows: ReadonlyArray<Record<string, unknown>>): string[] {
  const seen = new Map<string, number>()
  return rows.map((row) => {
    if (row.id !== undefined && row.id !== null && row.id !== '') return String(row.id)
    const base = `w-${valueDigest(parsePyJson(JSON.stringify(row))).slice(0, 12)}`
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}-${n}`
  })
}

function rowDigests(traces: TraceDb, projectId: string, rows: unknown): string[] | undefined {
  if (Array.isArray(rows)) return rows.map(String)
  const ref = typeof rows === 'string' ? parseWeaveRef(rows) : undefined
  if (ref?.kind !== 'table') return undefined
  return tableRowDigests(traces.sqlite, ref.projectId || projectId, ref.name)
}
