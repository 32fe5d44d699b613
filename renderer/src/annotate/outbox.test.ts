import { beforeEach, describe, expect, it } from 'vitest'
import type { AnnotationInput } from '../../../common/schemas/annotation'
import { WeftError } from '../../../common/errors'
import { UiDatabase } from '../state/db'
import { AnnotationOutbox, OUTBOX_BATCH, RETRY_MIN_MS, type OutboxDeps } from './outbox'

let n = 0
let database: UiDatabase

beforeEach(() => {
  database = new UiDatabase(`weft-outbox-test-${++n}`)
})

function annotation(itemId: string, updatedMs = 1, values: AnnotationInput['values'] = { ok: true }): AnnotationInput {
  return { id: `id-${itemId}-xxxxxxxx`, queue: 'q', queueVersion: 'a'.repeat(40), itemId, annotator: 'ana', values, updatedMs }
}

type Submit = OutboxDeps['submit']
const storeAll: Submit = async (annotations) => ({ stored: annotations.map((a) => a.id), stale: [], rejected: [] })

/** Timers the test fires by hand. */
function manualTimers() {
  const pending: { run: () => void; ms: number }[] = []
  return {
    pending,
    setTimer: (run: () => void, ms: number) => {
      const t = { run, ms }
      pending.push(t)
      return t
    },
    clearTimer: (t: unknown) => {
      const i = pending.indexOf(t as never)
      if (i >= 0) pending.splice(i, 1)
    },
    async fire() {
      const t = pending.shift()
      if (!t) throw new Error('no timer scheduled')
      t.run()
    },
  }
}

function outbox(submit: Submit, extra: Partial<OutboxDeps> = {}) {
  return new AnnotationOutbox({ database, projectDir: '/p', submit, ...extra })
}

describe('annotation outbox', () => {
  it('writes an annotation to IndexedDB before calling the workbench, and removes it once stored', async () => {
    const seenAtCall: number[] = []
    const box = outbox(async (annotations) => {
      seenAtCall.push(await database.outbox.count())
      return storeAll(annotations)
    })
    await box.put(annotation('r1'))
    await box.drain()
    expect(seenAtCall).toEqual([1])
    expect(await database.outbox.count()).toBe(0)
    expect(box.current().pending).toBe(0)
  })

  it('sends in batches of at most 100', async () => {
    const sizes: number[] = []
    const box = outbox(async (annotations) => {
      sizes.push(annotations.length)
      return storeAll(annotations)
    })
    await database.outbox.bulkPut(
      Array.from({ length: 250 }, (_, i) => ({ id: `id-${i}-xxxxxxxx`, projectDir: '/p', queue: 'q', annotation: annotation(String(i)), state: 'pending' as const, error: null, attempts: 0 })),
    )
    await box.drain()
    expect(sizes).toEqual([OUTBOX_BATCH, OUTBOX_BATCH, 50])
    expect(await database.outbox.count()).toBe(0)
  })

  it('keeps entries while the workbench is unreachable and retries with a growing backoff', async () => {
    const timers = manualTimers()
    let down = 2
    const box = outbox(
      async (annotations) => {
        if (down-- > 0) throw new WeftError('INTERNAL', 'Cannot reach the Weft server. Is `weft serve` still running?')
        return storeAll(annotations)
      },
      timers,
    )
    await box.put(annotation('r1'))
    await box.idle()
    expect(await database.outbox.count()).toBe(1)
    expect(box.current()).toMatchObject({ pending: 1, lastError: expect.stringContaining('Cannot reach') })
    expect(timers.pending.map((t) => t.ms)).toEqual([RETRY_MIN_MS])
    await timers.fire()
    await box.idle()
    expect(timers.pending.map((t) => t.ms)).toEqual([RETRY_MIN_MS * 2])
    await timers.fire()
    await box.idle()
    expect(await database.outbox.count()).toBe(0)
    expect(box.current()).toMatchObject({ pending: 0, lastError: null })
    expect(timers.pending).toEqual([])
  })

  it('says when the session token is refused (a restarted server), and keeps the entries', async () => {
    const timers = manualTimers()
    const box = outbox(async () => {
      throw new WeftError('UNAUTHORIZED', 'Missing or wrong session token')
    }, timers)
    await box.put(annotation('r1'))
    await box.drain()
    expect(box.current()).toMatchObject({ pending: 1, unauthorized: true })
    expect(await database.outbox.count()).toBe(1)
  })

  it('removes stale ones, keeps refused ones with the server message, and sends them again on retry', async () => {
    let refuse = true
    const box = outbox(async (annotations) => ({
      stored: annotations.filter((a) => a.itemId === 'r1').map((a) => a.id),
      stale: annotations.filter((a) => a.itemId === 'r2').map((a) => a.id),
      rejected: refuse ? annotations.filter((a) => a.itemId === 'r3').map((a) => ({ id: a.id, path: 'values.ok', message: 'must be true or false' })) : [],
    }))
    await box.put(annotation('r1'))
    await box.put(annotation('r2'))
    await box.put(annotation('r3'))
    await box.drain()
    const left = await database.outbox.toArray()
    expect(left).toHaveLength(1)
    expect(left[0]).toMatchObject({ id: 'id-r3-xxxxxxxx', state: 'rejected', error: { path: 'values.ok', message: 'must be true or false' } })
    expect(box.current().rejected.map((r) => r.id)).toEqual(['id-r3-xxxxxxxx'])
    expect(box.current().pending).toBe(0)
    // A refused entry is not sent again by itself…
    await box.drain()
    expect(await database.outbox.count()).toBe(1)
    // …but on retry (the server is expected to accept it now, stored below as r1 would be).
    refuse = false
    const retried = outbox(async (annotations) => ({ stored: annotations.map((a) => a.id), stale: [], rejected: [] }))
    await retried.retry('id-r3-xxxxxxxx')
    await retried.drain()
    expect(await database.outbox.count()).toBe(0)
  })

  it('refuses only the annotations a validation error names and sends the others', async () => {
    const box = outbox(async (annotations) => {
      const bad = annotations.findIndex((a) => a.itemId === 'bad')
      if (bad >= 0) throw new WeftError('INVALID_REQUEST', 'Invalid request', [{ path: `annotations.${bad}.values.ok`, message: 'Invalid input' }])
      return storeAll(annotations)
    })
    await box.put(annotation('good'))
    await box.put(annotation('bad'))
    await box.drain()
    const left = await database.outbox.toArray()
    expect(left.map((r) => [r.annotation.itemId, r.state, r.error?.path])).toEqual([['bad', 'rejected', 'values.ok']])
  })

  it('keeps a newer edit made while the older one was being sent, then sends it', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const sent: AnnotationInput['values'][] = []
    const box = outbox(async (annotations) => {
      sent.push(...annotations.map((a) => a.values))
      if (sent.length === 1) await gate
      // The first reply comes after the newer edit was put: it confirms only the older one.
      return storeAll(annotations)
    })
    await box.put(annotation('r1', 1, { ok: true }))
    await new Promise((resolve) => setTimeout(resolve, 10))
    await database.outbox.put({ id: 'id-r1-xxxxxxxx', projectDir: '/p', queue: 'q', annotation: annotation('r1', 2, { ok: false }), state: 'pending', error: null, attempts: 0 })
    expect(await database.outbox.count()).toBe(1)
    release()
    await box.drain()
    expect(sent).toEqual([{ ok: true }, { ok: false }])
    expect(await database.outbox.count()).toBe(0)
  })

  it('drains what a previous window left, from a new database connection (a reload)', async () => {
    const failing = outbox(async () => {
      throw new WeftError('INTERNAL', 'Cannot reach the Weft server')
    }, manualTimers())
    await failing.put(annotation('r1'))
    await failing.put(annotation('r2'))
    await failing.drain()
    failing.stop()
    database.close()

    const reopened = new UiDatabase(database.name)
    const sent: string[] = []
    const next = new AnnotationOutbox({
      database: reopened,
      projectDir: '/p',
      submit: async (annotations) => {
        sent.push(...annotations.map((a) => a.itemId))
        return storeAll(annotations)
      },
    })
    await next.drain()
    expect(sent.sort()).toEqual(['r1', 'r2'])
    expect(await reopened.outbox.count()).toBe(0)
  })

  it("sends only the open project's entries", async () => {
    const sent: string[] = []
    await database.outbox.put({ id: 'other-xxxxxxxx', projectDir: '/other', queue: 'q', annotation: annotation('x'), state: 'pending', error: null, attempts: 0 })
    const box = outbox(async (annotations) => {
      sent.push(...annotations.map((a) => a.itemId))
      return storeAll(annotations)
    })
    await box.put(annotation('r1'))
    await box.drain()
    expect(sent).toEqual(['r1'])
    expect(await database.outbox.count()).toBe(1)
  })
})
