/**
 * The ingest server in a worker thread (built to out/main/ingestWorker.js):
 * sockets, JSON parsing, validation and SQLite writes of bulk ingest never
 * hold up the Electron main thread or web mode's API. The worker writes
 * through its own connections to each project's trace database (WAL lets the
 * workbench read meanwhile, and writes from either side take the lock first);
 * what it needs from the workbench — which folders are projects, and SDK
 * reads of prompts and datasets — it asks by message.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { WeftError } from '../../../common/errors'
import { TraceProjects } from '../../traces/projects'
import { startIngestServer } from './ingestServer'
import { ingestRoutes } from './routes'
import type { FromIngestWorker, IngestQuestion, IngestWorkerData, ToIngestWorker } from './workerProtocol'

const port = parentPort
if (!port) throw new Error('ingestWorker.js runs as a worker thread')

const data = workerData as IngestWorkerData
let nextId = 1
const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>()
const send = (message: FromIngestWorker) => port.postMessage(message)

function ask(question: IngestQuestion): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const id = nextId++
    waiting.set(id, { resolve, reject })
    send({ type: 'ask', id, question })
  })
}

const projects = new TraceProjects({
  candidates: async () => (await ask({ what: 'candidates' })) as string[],
  spansAdded: (dir, traceIds, count) => send({ type: 'spans', dir, traceIds: [...traceIds], count }),
  read: (dir, operation, request) => ask({ what: 'read', dir, operation, request }),
})

const server = startIngestServer({ resolveToken: (token) => projects.byToken(token), routes: ingestRoutes(), port: data.port, host: data.host }).then(
  (s) => {
    send({ type: 'listening', url: s.url, port: s.port })
    return s
  },
  (error: Error) => {
    send({ type: 'failed', message: error.message })
    return null
  },
)

port.on('message', (message: ToIngestWorker) => {
  if (message.type === 'answer') {
    const pending = waiting.get(message.id)
    waiting.delete(message.id)
    if (!pending) return
    // A real WeftError, so a door answers with the status and message the workbench would.
    if (message.ok) pending.resolve(message.value)
    else pending.reject(new WeftError(message.error.code, message.error.message, message.error.issues))
  } else if (message.type === 'close') {
    void server
      .then((s) => s?.close())
      .finally(() => {
        projects.close()
        send({ type: 'closed' })
        port.close()
      })
  }
})
