/**
 * The worker threads that run `javascript` scorers (issue 8). Workers are
 * made on first use, reused across rows (starting one costs tens of
 * milliseconds), and each runs one row at a time so that ending a runaway
 * worker loses no other row. There is one pool per memory limit, since
 * `resourceLimits` are fixed when a worker starts.
 */
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { runScorerWorker, SCORER_FILENAME, scorerBridge, type ScorerJob, type ScorerReply } from './javascriptWorker'

/** Why a row could not be scored by user code; `code` is stable for tests and the UI. */
export class JavaScriptScorerError extends Error {
  constructor(
    readonly code: 'syntax' | 'no-function' | 'timeout' | 'memory' | 'crashed' | 'cancelled' | 'thrown' | 'bad-result' | 'bad-input',
    message: string,
  ) {
    super(message)
    this.name = 'JavaScriptScorerError'
  }
}

// Both functions run from their source text (see javascriptWorker.ts). The
// leading 'use strict' keeps the worker's frames strict, so a stack trace
// read from inside a sandbox (Error.prepareStackTrace) cannot get their
// `this`. V8 seems to withhold it anyway; this does not depend on that.
const WORKER_SOURCE = [
  `'use strict'`,
  `const vm = require('node:vm')`,
  `const { parentPort } = require('node:worker_threads')`,
  `;(${runScorerWorker.toString()})(vm, parentPort, ${JSON.stringify(`'use strict';(${scorerBridge.toString()})()`)}, ${JSON.stringify(SCORER_FILENAME)})`,
].join('\n')

// More workers than this gain little: most rows wait on a model, not on their scorer.
const POOL_SIZE = Math.max(1, Math.min(4, os.availableParallelism()))
// Idle workers are ended after this, so a desktop session does not keep their memory.
const IDLE_MS = 30_000
// The worker enforces the time limit itself; this is for a worker that cannot answer (an endless chain of promises).
const BACKSTOP_MS = 1000

interface Task {
  job: Omit<ScorerJob, 'id'>
  resolve(outcome: string): void
  reject(error: JavaScriptScorerError): void
  signal?: AbortSignal
}

interface Slot {
  worker: Worker
  task: Task | null
  idleTimer: NodeJS.Timeout | null
}

let nextId = 1

/** The workers for one memory limit. */
class ScorerPool {
  private readonly slots = new Set<Slot>()
  private readonly queue: Task[] = []

  constructor(private readonly memoryMb: number) {}

  /** Runs one row; resolves with the bridge's outcome JSON or rejects with why it could not run. */
  run(job: Task['job'], signal?: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new JavaScriptScorerError('cancelled', 'cancelled'))
      this.queue.push({ job, resolve, reject, signal })
      this.dispatch()
    })
  }

  /** Ends every worker; queued and running rows are rejected. */
  async close(): Promise<void> {
    for (const task of this.queue.splice(0)) task.reject(new JavaScriptScorerError('cancelled', 'the scorer pool was closed'))
    await Promise.all([...this.slots].map((slot) => this.retire(slot, new JavaScriptScorerError('cancelled', 'the scorer pool was closed'))))
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((candidate) => candidate.task === null)
      if (!slot && this.slots.size < POOL_SIZE) slot = this.spawn()
      if (!slot) return
      // Queued rows of a cancelled run are dropped here rather than by a
      // listener each: a run's one signal would collect thousands of them.
      const task = this.queue.shift()!
      if (task.signal?.aborted) task.reject(new JavaScriptScorerError('cancelled', 'cancelled'))
      else this.start(slot, task)
    }
  }

  private start(slot: Slot, task: Task): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer)
    slot.idleTimer = null
    // A busy worker keeps the process alive (the run awaits it); an idle one does not.
    slot.worker.ref()
    const backstop = setTimeout(
      () => void this.retire(slot, new JavaScriptScorerError('timeout', `timed out after ${task.job.timeoutMs} ms`)),
      task.job.timeoutMs + BACKSTOP_MS,
    )
    // A cancelled run need not wait for a slow row: end its worker.
    const onAbort = () => void this.retire(slot, new JavaScriptScorerError('cancelled', 'cancelled'))
    task.signal?.addEventListener('abort', onAbort, { once: true })
    const finish = () => {
      clearTimeout(backstop)
      task.signal?.removeEventListener('abort', onAbort)
    }
    slot.task = {
      ...task,
      resolve: (outcome) => (finish(), task.resolve(outcome)),
      reject: (error) => (finish(), task.reject(error)),
    }
    slot.worker.postMessage({ id: nextId++, ...task.job } satisfies ScorerJob)
  }

  private spawn(): Slot {
    const young = Math.max(2, Math.min(16, Math.floor(this.memoryMb / 8)))
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Without it Node refuses a sandbox's import() with an error made in
      // the worker's realm, which would hand the sandbox a way out; with it,
      // the worker's own callback answers with an error made in the sandbox.
      execArgv: ['--experimental-vm-modules'],
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: young },
    })
    const slot: Slot = { worker, task: null, idleTimer: null }
    this.slots.add(slot)
    this.idle(slot)
    worker.on('message', (reply: ScorerReply) => {
      const task = slot.task
      if (!task) return
      slot.task = null
      if ('failure' in reply) task.reject(new JavaScriptScorerError(reply.failure.kind, reply.failure.message))
      else task.resolve(reply.outcome)
      this.idle(slot)
      this.dispatch()
    })
    worker.on('error', (error: Error & { code?: string }) => {
      const reason =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new JavaScriptScorerError('memory', `used more than ${this.memoryMb} MB of memory (raise memoryMb if the scorer needs it)`)
          : new JavaScriptScorerError('crashed', `the scorer's worker stopped: ${error.message}`)
      void this.retire(slot, reason)
    })
    worker.on('exit', () => void this.retire(slot, new JavaScriptScorerError('crashed', "the scorer's worker exited")))
    return slot
  }

  private idle(slot: Slot): void {
    slot.worker.unref()
    slot.idleTimer = setTimeout(() => void this.retire(slot, null), IDLE_MS)
    slot.idleTimer.unref()
  }

  // Takes a worker out of the pool, fails its row with `reason`, and starts
  // queued rows on a fresh worker. Safe to call more than once per worker.
  private async retire(slot: Slot, reason: JavaScriptScorerError | null): Promise<void> {
    if (!this.slots.delete(slot)) return
    if (slot.idleTimer) clearTimeout(slot.idleTimer)
    const task = slot.task
    slot.task = null
    if (task && reason) task.reject(reason)
    this.dispatch()
    await slot.worker.terminate()
  }
}

const pools = new Map<number, ScorerPool>()

/** Runs one row of a `javascript` scorer in a worker with `memoryMb` of heap; resolves with the bridge's outcome JSON. */
export function runInScorerWorker(job: Omit<ScorerJob, 'id'>, memoryMb: number, signal?: AbortSignal): Promise<string> {
  let pool = pools.get(memoryMb)
  if (!pool) {
    pool = new ScorerPool(memoryMb)
    pools.set(memoryMb, pool)
  }
  return pool.run(job, signal)
}

/** Ends every scorer worker (tests, shutdown). Idle workers never keep the process alive, so callers rarely need this. */
export async function closeScorerWorkers(): Promise<void> {
  const all = [...pools.values()]
  pools.clear()
  await Promise.all(all.map((pool) => pool.close()))
}
