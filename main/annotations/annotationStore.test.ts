import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AnnotationInput, QueueDefinition } from '../../common/schemas/annotation'
import { QueueDefinitionSchema } from '../../common/schemas/annotation'
import { WeftError } from '../../common/errors'
import { migrateDatabase, openDatabase } from '../sqlite'
import { MIGRATIONS } from '../traces/schema'
import { openTraceDb, type TraceDb } from '../traces/db'
import { runStore } from '../evals/runStore'
import { annotationStore } from './annotationStore'
import { submitAnnotations } from './submit'

let dir: string
let traces: TraceDb
const VERSION = 'c'.repeat(40)
const definition: QueueDefinition = QueueDefinitionSchema.parse({ source: { dataset: 'd' }, fields: [{ name: 'ok', type: 'binary' }, { name: 'why', type: 'text', required: false }] })
const input = (id: string, itemId: string, values: AnnotationInput['values'], updatedMs: number): AnnotationInput => ({ id, queue: 'q', queueVersion: VERSION, itemId, annotator: 'ana', values, updatedMs })
const submit = (inputs: AnnotationInput[], now = 1) =>
  submitAnnotations({
    annotations: annotationStore(traces.sqlite), now,
    definition: async (queue, version) => {
      if (queue !== 'q' || version !== VERSION) throw new WeftError('NOT_FOUND', 'unknown', [{ path: 'queue', message: 'unknown queue' }])
      return definition
    },
  }, inputs)

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-annotation-store-'))
  traces = openTraceDb(path.join(dir, 'traces.db'))
})
afterAll(() => {
  traces.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('annotation storage', () => {
  it('keeps one annotation per item and annotator: a newer one under another id replaces it', async () => {
    expect((await submit([input('window-one', 'i1', { ok: true }, 10)])).stored).toEqual(['window-one'])
    expect((await submit([input('window-two', 'i1', { ok: false }, 20)], 2)).stored).toEqual(['window-two'])
    const store = annotationStore(traces.sqlite)
    expect(store.list('q')).toEqual([{ ...input('window-two', 'i1', { ok: false }, 20), storedMs: 1, complete: true }])
    expect(store.get('window-one')).toBeUndefined()
    // The first window resubmitting its older edit changes nothing.
    expect(await submit([input('window-one', 'i1', { ok: true }, 10)])).toMatchObject({ stored: [], stale: ['window-one'] })
  })

  it('refuses an id reused for another item instead of moving the annotation', async () => {
    const result = await submit([input('window-two', 'i2', { ok: true }, 99)])
    expect(result.rejected).toEqual([{ id: 'window-two', path: 'id', message: expect.stringContaining("already names ana's annotation of item i1") }])
  })

  it('leaves the old annotation whole when a batch fails part-way (one transaction)', async () => {
    await submit([input('atomic-a', 'i3', { ok: true, why: 'first' }, 10)])
    // A write that fails after the replacement of atomic-a was written in the same batch (as a full disk would).
    traces.sqlite.exec(`CREATE TEMP TRIGGER fail_boom BEFORE INSERT ON annotations WHEN NEW.id = 'atomic-boom' BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    try {
      await expect(submit([input('atomic-a', 'i3', { ok: false, why: 'second' }, 20), input('atomic-boom', 'i4', { ok: true }, 20)])).rejects.toThrow('disk full')
    } finally {
      traces.sqlite.exec('DROP TRIGGER fail_boom')
    }
    expect(annotationStore(traces.sqlite).get('atomic-a')).toMatchObject({ values: { ok: true, why: 'first' }, updatedMs: 10 })
    expect(annotationStore(traces.sqlite).get('atomic-boom')).toBeUndefined()
  })

  it('keeps "not corrected" apart from "corrected to null", and notes', async () => {
    await submit([{ ...input('expect-none', 'i5', { ok: true }, 1) }, { ...input('expect-null', 'i6', { ok: true }, 1), expected: null, note: 'n' }])
    const store = annotationStore(traces.sqlite)
    expect(store.get('expect-none')).not.toHaveProperty('expected')
    expect(store.get('expect-none')).not.toHaveProperty('note')
    expect(store.get('expect-null')).toMatchObject({ expected: null, note: 'n' })
  })
})

describe('the annotations migration', () => {
  it('upgrades a database of the previous version: its runs stay, annotations can be stored', async () => {
    const file = path.join(dir, 'previous.db')
    const previous = openDatabase(file)
    // The version before this migration (others may be appended after it at merge).
    const index = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE annotations'))
    expect(index).toBeGreaterThan(0)
    migrateDatabase(previous, MIGRATIONS.slice(0, index))
    previous.prepare(`INSERT INTO eval_runs (id, name, definition, pinned, git_commit, status, started_ms, total) VALUES ('r1', 'e', '{}', '{}', NULL, 'finished', 1, 1)`).run()
    expect(previous.prepare("SELECT name FROM sqlite_master WHERE name = 'annotations'").get()).toBeUndefined()
    previous.close()
    const upgraded = openTraceDb(file)
    try {
      expect(upgraded.sqlite.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(runStore(upgraded.sqlite).get('r1')).toMatchObject({ name: 'e', status: 'finished' })
      const store = annotationStore(upgraded.sqlite)
      store.transaction(() => store.put({ ...input('migrated-1', 'i1', { ok: true }, 1), storedMs: 2, complete: true }))
      expect(store.list('q')).toHaveLength(1)
      // One per item and annotator, enforced by the schema itself.
      expect(() => store.put({ ...input('migrated-2', 'i1', { ok: false }, 3), storedMs: 3, complete: true })).toThrow(/UNIQUE/)
    } finally {
      upgraded.close()
    }
  })
})
