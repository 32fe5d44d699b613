/** Runs an evaluation in a worker thread (evalWorker.ts) and relays what it reports. */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { packageRoot } from '../../paths'
import { WeftError } from '../../../common/errors'
import type { SecretSource } from '../../providers/types'
import type { EngineResult } from '../engine'
import type { RunProgress } from '../runLoop'
import type { EvalWorkerData, FromEvalWorker, ToEvalWorker } from './protocol'

/**
 * The built worker (out/main/evalWorker.js) when this code runs from the
 * bundle; null when it runs from source (tests), which runs in-thread.
 */
export function evalWorkerFile(): string | null {
  const here = fileURLToPath(import.meta.url)
  if (!here.includes(`${path.sep}out${path.sep}main${path.sep}`)) return null
  const file = path.join(packageRoot(), 'out', 'main', 'evalWorker.js')
  return fs.existsSync(file) ? file : null
}

/** What a run in a worker reports back, and how it is stopped. */
export interface WorkerRunOptions {
  /** The built worker, out/main/evalWorker.js. */
  file: string
  data: EvalWorkerData
  secrets: SecretSource
  onStart?(runId: string): void
  onProgress?(progress: RunProgress & { runId: string }): void
  spansAdded?(traceIds: readonly string[], count: number): void
  signal?: AbortSignal
}

/** Resolves with the run as the engine returns it; rejects with the engine's own error (same code, message, issues). */
export function runInWorker(options: WorkerRunOptions): Promise<EngineResult> {
  const worker = new Worker(options.file, { workerData: options.data })
  const send = (message: ToEvalWorker) => worker.postMessage(message)
  const cancel = () => send({ type: 'cancel' })
  options.signal?.addEventListener('abort', cancel, { once: true })
  return new Promise<EngineResult>((resolve, reject) => {
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      options.signal?.removeEventListener('abort', cancel)
      fn()
      // The worker closes its databases before it reports; nothing is left to wait for.
      void worker.terminate()
    }
    worker.on('message', (message: FromEvalWorker) => {
      switch (message.type) {
        case 'started':
          options.onStart?.(message.runId)
          break
        case 'progress':
          options.onProgress?.(message.progress)
          break
        case 'spans':
          options.spansAdded?.(message.traceIds, message.count)
          break
        case 'secret':
          options.secrets(message.name).then(
            (value) => send({ type: 'secret', id: message.id, value }),
            () => send({ type: 'secret', id: message.id, value: undefined }),
          )
          break
        case 'done':
          settle(() => resolve(message.result))
          break
        case 'failed':
          settle(() => reject(new WeftError(message.error.code as never, message.error.message, message.error.issues)))
          break
      }
    })
    worker.once('error', (error) => settle(() => reject(new WeftError('INTERNAL', `The evaluation worker stopped: ${error.message}`))))
    worker.once('exit', (code) => settle(() => reject(new WeftError('INTERNAL', `The evaluation worker exited (code ${code}) before the run ended`))))
  })
}
