/**
 * The annotation outbox: every label is written to IndexedDB first, then sent
 * to `annotations.submit` in batches. While the workbench is busy, restarting
 * or unreachable the sender retries with backoff; what it stored (or already
 * had newer) leaves the outbox, what it refused stays, marked with its message,
 * so nothing is lost silently. A reload starts the sender again on what is left.
 */
import type { ResponseOf } from '../../../common/contract'
import type { AnnotationInput } from '../../../common/schemas/annotation'
import { WeftError } from '../../../common/errors'
import { errorMessage } from '../api/errors'
import type { OutboxRow, UiDatabase } from '../state/db'

/** Annotations per `annotations.submit` call. */
export const OUTBOX_BATCH = 100

/** The first wait before sending again after a failure; it doubles with each failure in a row. */
export const RETRY_MIN_MS = 1000
/** The longest wait between attempts. */
export const RETRY_MAX_MS = 30_000

/** What the indicator shows. */
export interface OutboxStatus {
  /** Entries waiting to be sent (not refused). */
  pending: number
  /** Entries the workbench refused, with its message. */
  rejected: OutboxRow[]
  sending: boolean
  /** Why the last attempt failed (the server down, busy, a stale session), until one succeeds. */
  lastError: string | null
  /** True when the server refused the session token (a restarted `weft serve` has a new one). */
  unauthorized: boolean
}

/** What the sender needs, injected so tests run it against a fake workbench and fake timers. */
export interface OutboxDeps {
  database: UiDatabase
  projectDir: string
  submit: (annotations: AnnotationInput[]) => Promise<ResponseOf<'annotations.submit'>>
  onStatus?: (status: OutboxStatus) => void
  setTimer?: (run: () => void, ms: number) => unknown
  clearTimer?: (timer: unknown) => void
}

/** An outbox for one project: put() writes, drain() sends, the status says what is left. */
export class AnnotationOutbox {
  private readonly deps: OutboxDeps
  private draining: Promise<void> | null = null
  private again = false
  private timer: unknown = null
  private delayMs = RETRY_MIN_MS
  private stopped = false
  private status: OutboxStatus = { pending: 0, rejected: [], sending: false, lastError: null, unauthorized: false }

  constructor(deps: OutboxDeps) {
    this.deps = deps
  }

  /** Writes an annotation (replacing an unsent older edit of it), then starts sending. Resolves once it is in IndexedDB. */
  async put(annotation: AnnotationInput): Promise<void> {
    const { database, projectDir } = this.deps
    await database.outbox.put({ id: annotation.id, projectDir, queue: annotation.queue, annotation, state: 'pending', error: null, attempts: 0 })
    await this.refreshStatus()
    void this.drain()
  }

  /** This project's entries of one queue (pending and refused), to show pending labels as given. */
  async entries(queue: string): Promise<OutboxRow[]> {
    return this.deps.database.outbox.where('[projectDir+queue]').equals([this.deps.projectDir, queue]).toArray()
  }

  /** Sends a refused entry again (after the queue or the workbench changed). */
  async retry(id: string): Promise<void> {
    await this.deps.database.outbox.update(id, { state: 'pending', error: null })
    await this.refreshStatus()
    void this.drain()
  }

  /** Drops a refused entry for good (the user decided). */
  async discard(id: string): Promise<void> {
    await this.deps.database.outbox.delete(id)
    await this.refreshStatus()
  }

  /** The latest status. */
  current(): OutboxStatus {
    return this.status
  }

  /** Resolves when the drain under way (if any) has finished; starts none. */
  idle(): Promise<void> {
    return this.draining ?? Promise.resolve()
  }

  /** Stops retrying (the project closed); entries stay for the next sender. */
  stop(): void {
    this.stopped = true
    this.cancelTimer()
  }

  /**
   * Sends everything pending, a batch at a time. One drain runs at once; a
   * call during it makes it go round again at once, so nothing put meanwhile
   * waits for the next backoff. Resolves when the outbox is empty or a retry is scheduled.
   */
  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.draining) {
      this.again = true
      return this.draining
    }
    this.cancelTimer()
    this.draining = (async () => {
      try {
        do {
          // A call during the drain (a new label, the connection back) means: try now, not after the backoff.
          this.again = false
          this.cancelTimer()
          while (!this.stopped && (await this.sendBatch())) {
            // next batch
          }
        } while (this.again && !this.stopped)
      } catch (error) {
        // IndexedDB itself failed (quota, a closed database): say so and try again later; the entries stay.
        this.scheduleRetry(error)
      } finally {
        this.draining = null
        this.setStatus({ sending: false })
      }
    })()
    return this.draining
  }

  /** Sends one batch; true when it made progress and more may be waiting. */
  private async sendBatch(): Promise<boolean> {
    const { database, projectDir } = this.deps
    const batch = await database.outbox
      .where('projectDir')
      .equals(projectDir)
      .filter((row) => row.state === 'pending')
      .limit(OUTBOX_BATCH)
      .toArray()
    if (batch.length === 0) {
      await this.refreshStatus()
      return false
    }
    this.setStatus({ sending: true })
    const sent = new Map(batch.map((row) => [row.id, row.annotation.updatedMs]))
    let outcome: ResponseOf<'annotations.submit'>
    try {
      outcome = await this.deps.submit(batch.map((row) => row.annotation))
    } catch (error) {
      const refused = refusedByValidation(error, batch)
      if (refused) {
        await this.settle(sent, [], refused)
        return true
      }
      await database.outbox.bulkUpdate(batch.map((row) => ({ key: row.id, changes: { attempts: row.attempts + 1 } })))
      this.scheduleRetry(error)
      return false
    }
    const changed = await this.settle(sent, [...outcome.stored, ...outcome.stale], outcome.rejected)
    if (!changed) {
      // The workbench answered without naming any of them: do not spin; try again later.
      this.scheduleRetry(new WeftError('INTERNAL', 'The workbench did not confirm the annotations it was sent'))
      return false
    }
    this.delayMs = RETRY_MIN_MS
    this.setStatus({ lastError: null, unauthorized: false })
    return true
  }

  /**
   * Removes what was stored and marks what was refused, but only where the row
   * is still the edit that was sent: a newer edit put meanwhile stays pending.
   */
  private async settle(sent: Map<string, number>, done: string[], rejected: { id: string; path: string; message: string }[]): Promise<boolean> {
    const { database } = this.deps
    let changed = false
    await database.transaction('rw', database.outbox, async () => {
      for (const id of done) {
        const row = await database.outbox.get(id)
        if (row && sent.has(id) && row.annotation.updatedMs === sent.get(id)) {
          await database.outbox.delete(id)
          changed = true
        }
      }
      for (const { id, path, message } of rejected) {
        const row = await database.outbox.get(id)
        if (row && sent.has(id) && row.annotation.updatedMs === sent.get(id)) {
          await database.outbox.update(id, { state: 'rejected', error: { path, message }, attempts: row.attempts + 1 })
          changed = true
        }
      }
    })
    await this.refreshStatus()
    return changed || done.length + rejected.length > 0
  }

  private scheduleRetry(error: unknown): void {
    const unauthorized = error instanceof WeftError && error.code === 'UNAUTHORIZED'
    this.setStatus({ lastError: errorMessage(error), unauthorized, sending: false })
    if (this.stopped) return
    const wait = this.delayMs
    this.delayMs = Math.min(this.delayMs * 2, RETRY_MAX_MS)
    const setTimer = this.deps.setTimer ?? ((run, ms) => setTimeout(run, ms))
    this.timer = setTimer(() => {
      this.timer = null
      void this.drain()
    }, wait)
  }

  private cancelTimer(): void {
    if (this.timer === null) return
    const clearTimer = this.deps.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>))
    clearTimer(this.timer)
    this.timer = null
  }

  /** Re-reads the counts from IndexedDB. */
  async refreshStatus(): Promise<void> {
    const rows = await this.deps.database.outbox.where('projectDir').equals(this.deps.projectDir).toArray()
    this.setStatus({ pending: rows.filter((r) => r.state === 'pending').length, rejected: rows.filter((r) => r.state === 'rejected') })
  }

  private setStatus(change: Partial<OutboxStatus>): void {
    this.status = { ...this.status, ...change }
    this.deps.onStatus?.(this.status)
  }
}

/**
 * A batch the dispatcher refused as a whole because some annotations in it are
 * malformed: the issues name them (`annotations.3.values.x`), so those are
 * refused and the rest go again. Null when the error is not about the content.
 */
function refusedByValidation(error: unknown, batch: OutboxRow[]): { id: string; path: string; message: string }[] | null {
  if (!(error instanceof WeftError) || error.code !== 'INVALID_REQUEST') return null
  const refused = new Map<string, { id: string; path: string; message: string }>()
  for (const issue of error.issues ?? []) {
    const match = /^annotations\.(\d+)(?:\.(.*))?$/.exec(issue.path)
    const row = match ? batch[Number(match[1])] : undefined
    if (row && !refused.has(row.id)) refused.set(row.id, { id: row.id, path: match![2] ?? '', message: issue.message })
  }
  if (refused.size > 0) return [...refused.values()]
  // Not attributable to one annotation: every one of them is kept, refused with the message.
  return batch.map((row) => ({ id: row.id, path: '', message: errorMessage(error) }))
}
