/**
 * Annotations in the trace database (`annotations` table, issue 10): one row
 * per queue item and annotator. Storing one replaces the row of the same id or
 * of the same (queue, item, annotator) inside a transaction, so a crash leaves
 * the old annotation or the new one, never half of either.
 */
import type Database from 'better-sqlite3'
import type { Annotation } from '../../common/schemas/annotation'

type AnnotationRow = {
  id: string; queue: string; item_id: string; annotator: string; queue_version: string; values_json: string; expected_json: string | null
  note: string | null; updated_ms: number; stored_ms: number; complete: number
}

const toAnnotation = (r: AnnotationRow): Annotation => ({
  id: r.id, queue: r.queue, queueVersion: r.queue_version, itemId: r.item_id, annotator: r.annotator,
  values: JSON.parse(r.values_json) as Annotation['values'],
  ...(r.expected_json === null ? {} : { expected: JSON.parse(r.expected_json) as unknown }),
  ...(r.note === null ? {} : { note: r.note }),
  updatedMs: r.updated_ms, storedMs: r.stored_ms, complete: r.complete === 1,
})

/** Statements are prepared once per database handle: every page of items asks. */
const stores = new WeakMap<Database.Database, ReturnType<typeof makeStore>>()

/** Annotation storage over a trace database's SQLite handle. */
export function annotationStore(db: Database.Database) {
  let store = stores.get(db)
  if (!store) stores.set(db, (store = makeStore(db)))
  return store
}

function makeStore(db: Database.Database) {
  const s = {
    byId: db.prepare<[string], AnnotationRow>('SELECT * FROM annotations WHERE id = ?'),
    byKey: db.prepare<[string, string, string], AnnotationRow>('SELECT * FROM annotations WHERE queue = ? AND item_id = ? AND annotator = ?'),
    byQueue: db.prepare<[string], AnnotationRow>('SELECT * FROM annotations WHERE queue = ? ORDER BY stored_ms, rowid'),
    byAnnotator: db.prepare<[string, string], AnnotationRow>('SELECT * FROM annotations WHERE queue = ? AND annotator = ? ORDER BY stored_ms, rowid'),
    forItems: db.prepare<[string, string], AnnotationRow>('SELECT * FROM annotations WHERE queue = ? AND item_id IN (SELECT value FROM json_each(?)) ORDER BY stored_ms, rowid'),
    complete: db.prepare<[string], { item_id: string; annotator: string }>('SELECT item_id, annotator FROM annotations WHERE queue = ? AND complete = 1'),
    completeBy: db.prepare<[string, string], { item_id: string }>('SELECT item_id FROM annotations WHERE queue = ? AND annotator = ? AND complete = 1'),
    remove: db.prepare<[string]>('DELETE FROM annotations WHERE id = ?'),
    insert: db.prepare(`INSERT INTO annotations (id, queue, item_id, annotator, queue_version, values_json, expected_json, note, updated_ms, stored_ms, complete)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
  }
  return {
    /** The annotation with this id. */
    get(id: string): Annotation | undefined {
      const row = s.byId.get(id)
      return row && toAnnotation(row)
    },
    /** The annotation of one item by one annotator. */
    find(queue: string, itemId: string, annotator: string): Annotation | undefined {
      const row = s.byKey.get(queue, itemId, annotator)
      return row && toAnnotation(row)
    },
    /** A queue's annotations (optionally one annotator's), oldest first. */
    list(queue: string, annotator?: string): Annotation[] {
      return (annotator === undefined ? s.byQueue.all(queue) : s.byAnnotator.all(queue, annotator)).map(toAnnotation)
    },
    /** The annotations of some items of a queue, oldest first (a page's, without reading the whole queue). */
    forItems(queue: string, itemIds: readonly string[]): Annotation[] {
      return itemIds.length === 0 ? [] : s.forItems.all(queue, JSON.stringify(itemIds)).map(toAnnotation)
    },
    /** Who completed which item: (item, annotator) of every complete annotation, read without values. */
    completed(queue: string): Array<{ itemId: string; annotator: string }> {
      return s.complete.all(queue).map((r) => ({ itemId: r.item_id, annotator: r.annotator }))
    },
    /** The items an annotator (or, without one, anybody) completed. */
    doneItems(queue: string, annotator?: string): Set<string> {
      return new Set((annotator === undefined ? s.complete.all(queue) : s.completeBy.all(queue, annotator)).map((r) => r.item_id))
    },
    /** Stores an annotation in place of `replaces` (the ids of rows it supersedes); call inside a transaction. */
    put(annotation: Annotation, replaces: readonly string[] = []): void {
      for (const id of replaces) s.remove.run(id)
      const a = annotation
      s.insert.run(
        a.id, a.queue, a.itemId, a.annotator, a.queueVersion, JSON.stringify(a.values), a.expected === undefined ? null : JSON.stringify(a.expected),
        a.note ?? null, a.updatedMs, a.storedMs, a.complete ? 1 : 0,
      )
    },
    /** Runs fn in one write transaction. */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate()
    },
  }
}

/** The annotation storage type. */
export type AnnotationStore = ReturnType<typeof makeStore>
