/**
 * Recording an `evaluate()` run in Weft: start the run, send rows in batches
 * as they finish (a long run shows its progress in Weft), then finish it and
 * take Weft's summary. Recording is best effort by design: the rows cost
 * model calls and time, so a Weft that is down or refuses costs one warning
 * and `runId: null`, never the evaluation itself.
 */
import type { z } from 'zod'
import type { EvalRowSchema, EvalSummarySchema } from '../common/schemas/evals'
import { state } from './client'
import { post, WeftReadError, type ReadOptions } from './read'
import { toJsonSafe } from './serialize'

/** One row × trial of an evaluation, as Weft stores it. */
export type EvalRow = z.output<typeof EvalRowSchema>

/** A run's numbers, computed by Weft from the stored rows. */
export type EvalSummary = z.output<typeof EvalSummarySchema>

/** The body that starts a run (`POST /weft/v1/evals/runs`). */
export interface RunStart {
  name: string
  /** The pinned dataset reference, or null for rows passed inline. */
  dataset: string | null
  scorers: string[]
  trials: number
  total: number
  model: string
  description?: string
  concurrency: number
  /** This process and machine, so Weft shows the run as interrupted if the process dies. */
  pid?: number
  host?: string
}

/** Rows per request, and a bound on their JSON so a batch stays far below the server's 64 MB. */
const BATCH_ROWS = 100
const BATCH_CHARS = 4_000_000
/** A partial batch goes out after this long, so a slow evaluation still shows progress. */
const BATCH_DELAY_MS = 1000
/** Waits before each retry of a request that met a network error, 429 or 5xx. */
const RETRY_DELAYS_MS = [250, 1000, 3000]
const REQUEST: ReadOptions = { timeoutMs: 15_000 }

const retryable = (error: unknown) => error instanceof WeftReadError && (error.status === 0 || error.status === 429 || error.status >= 500) && error.code !== 'NOT_CONFIGURED'

/** Sends with retries (rows and finish are idempotent on the server, so a lost answer is safe to resend). */
async function sendWithRetry(path: string, body: unknown): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await post(path, body, REQUEST)
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt]
      if (delay === undefined || !retryable(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/** One run's recording: rows are queued, sent in order, one request at a time. */
export class EvalRecorder {
  private pending: EvalRow[] = []
  private pendingChars = 0
  private sending: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | undefined
  private problem: string | null = null

  private constructor(
    private readonly name: string,
    private readonly id: string | null,
  ) {}

  /** Starts the run in Weft; on failure the recorder is off (one warning) and the evaluation runs on locally. */
  static async start(start: RunStart): Promise<EvalRecorder> {
    let reply: unknown
    try {
      // Not retried: a start whose answer was lost would leave a second, empty run behind.
      reply = await post('weft/v1/evals/runs', start, REQUEST)
    } catch (error) {
      const recorder = new EvalRecorder(start.name, null)
      recorder.fail(error)
      return recorder
    }
    const runId = (reply as { runId?: unknown }).runId
    const recorder = new EvalRecorder(start.name, typeof runId === 'string' ? runId : null)
    if (typeof runId !== 'string') recorder.fail(new WeftReadError('Weft answered without a run id', 200, 'INVALID_RESPONSE'))
    return recorder
  }

  /** The run's id in Weft while recording works; null otherwise. */
  get runId(): string | null {
    return this.problem === null ? this.id : null
  }

  /** Queues a finished row; sends a batch when it is full (or after a short delay). */
  add(row: EvalRow): void {
    if (this.runId === null) return
    // The output as Weft can store it: JSON, bounded like span values.
    const wire: EvalRow = { ...row, output: toJsonSafe(row.output, state.limits) ?? null }
    this.pending.push(wire)
    this.pendingChars += JSON.stringify(wire).length
    if (this.pending.length >= BATCH_ROWS || this.pendingChars >= BATCH_CHARS) this.sendPending()
    else this.timer ??= setTimeout(() => this.sendPending(), BATCH_DELAY_MS).unref()
  }

  private sendPending(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const rows = this.pending.splice(0)
    this.pendingChars = 0
    if (rows.length === 0) return
    this.sending = this.sending.then(async () => {
      if (this.runId === null) return
      try {
        await sendWithRetry('weft/v1/evals/runs/rows', { runId: this.id, rows })
      } catch (error) {
        this.fail(error)
      }
    })
  }

  /**
   * Sends what is queued and ends the run; Weft answers the summary of the
   * stored rows. When recording failed along the way, a run already started
   * is ended as failed (best effort) so it does not stay "running" in Weft.
   */
  async finish(status: 'finished' | 'cancelled' | 'failed'): Promise<{ runId: string | null; summary: EvalSummary | null }> {
    this.sendPending()
    await this.sending
    if (this.id === null) return { runId: null, summary: null }
    if (this.problem !== null) {
      await post('weft/v1/evals/runs/finish', { runId: this.id, status: 'failed' }, REQUEST).catch(() => undefined)
      return { runId: null, summary: null }
    }
    try {
      const reply = (await sendWithRetry('weft/v1/evals/runs/finish', { runId: this.id, status })) as { summary?: EvalSummary }
      if (reply.summary === null || typeof reply.summary !== 'object') throw new WeftReadError('Weft finished the run but answered no summary', 200, 'INVALID_RESPONSE')
      return { runId: this.id, summary: reply.summary }
    } catch (error) {
      this.fail(error)
      return { runId: null, summary: null }
    }
  }

  /** Stops recording with one warning that says why and what the app still gets. */
  private fail(error: unknown): void {
    if (this.problem !== null) return
    const reason = error instanceof Error ? error.message : String(error)
    this.problem = reason
    const partial = this.id === null ? '' : ` Run ${this.id} in Weft is incomplete and is marked failed.`
    const message =
      error instanceof WeftReadError && error.code === 'NOT_CONFIGURED'
        ? `Weft: evaluate("${this.name}") is not recorded: no endpoint and token (init({ endpoint, token }) or WEFT_ENDPOINT and WEFT_TOKEN). It runs in this process and returns its rows with runId null.`
        : `Weft: evaluate("${this.name}") could not be recorded in Weft (${reason}).${partial} It runs on in this process and returns its rows with runId null.`
    try {
      state.warn(message)
    } catch {}
  }
}
