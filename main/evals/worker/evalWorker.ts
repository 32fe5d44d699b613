/**
 * An evaluation run in a worker thread (built to out/main/evalWorker.js):
 * rendering, scoring and the SQLite writes of thousands of rows never hold up
 * the Electron main thread or web mode's API. The worker opens its own
 * object store (read only) and connection to the trace database (WAL: the
 * workbench reads meanwhile); API keys it asks the workbench for, one
 * message each, so keychain access stays on the main side.
 */
import path from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { toWeftError } from '../../../common/errors'
import { createProviders } from '../../providers/registry'
import { canonicalize } from '../../store/formats'
import { openObjectStore } from '../../store/store'
import { openTraceDb } from '../../traces/db'
import { TRACE_DB_FILE } from '../../traces/projects'
import { runEvaluation } from '../engine'
import type { EvalWorkerData, FromEvalWorker, ToEvalWorker } from './protocol'

const port = parentPort
if (!port) throw new Error('evalWorker.js runs as a worker thread')
const data = workerData as EvalWorkerData
const send = (message: FromEvalWorker) => port.postMessage(message)
const controller = new AbortController()
const secrets = new Map<number, (value: string | undefined) => void>()
let nextSecret = 1

port.on('message', (message: ToEvalWorker) => {
  if (message.type === 'cancel') controller.abort()
  else if (message.type === 'secret') {
    secrets.get(message.id)?.(message.value)
    secrets.delete(message.id)
  }
})

async function main(): Promise<void> {
  const store = await openObjectStore({ dir: data.dir, canonicalize })
  const traces = openTraceDb(path.join(data.dir, TRACE_DB_FILE))
  try {
    const result = await runEvaluation({
      store,
      traces,
      name: data.name,
      concurrency: data.concurrency,
      trials: data.trials,
      set: data.set,
      resume: data.resume,
      cache: data.cache,
      signal: controller.signal,
      providers: (concurrency) =>
        createProviders({
          projectDir: data.dir,
          concurrency,
          secrets: (name) =>
            new Promise((resolve) => {
              const id = nextSecret++
              secrets.set(id, resolve)
              send({ type: 'secret', id, name })
            }),
        }),
      onStart: (runId) => send({ type: 'started', runId }),
      onProgress: (progress) => send({ type: 'progress', progress }),
      spansAdded: (traceIds, count) => send({ type: 'spans', traceIds: [...traceIds], count }),
    })
    send({ type: 'done', result })
  } finally {
    traces.close()
    store.close()
  }
}

main().catch((error: unknown) => send({ type: 'failed', error: toWeftError(error).toJSON() }))
