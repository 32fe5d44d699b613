/** Runs the ingest server in a worker thread (worker.ts) for a workbench, answering its questions. */
import { Worker } from 'node:worker_threads'
import { toWeftError } from '../../../common/errors'
import type { Workbench } from '../../workbench'
import type { IngestServer } from './ingestServer'
import type { FromIngestWorker, IngestWorkerData, ToIngestWorker } from './workerProtocol'

/** Starts the worker from the built file; resolves once it listens (or says why it cannot). */
export function startIngestWorker(
  workbench: Workbench,
  options: { file: string; port: number; host?: string },
): Promise<{ server: IngestServer; error: null } | { server: null; error: string }> {
  const worker = new Worker(options.file, { workerData: { port: options.port, host: options.host } satisfies IngestWorkerData })
  const send = (message: ToIngestWorker) => worker.postMessage(message)
  let closed: (() => void) | null = null

  return new Promise((resolve) => {
    const fail = (message: string) => {
      void worker.terminate()
      resolve({ server: null, error: message })
    }
    worker.once('error', (error) => fail(`The ingest worker stopped: ${error.message}`))
    worker.on('message', (message: FromIngestWorker) => {
      switch (message.type) {
        case 'listening':
          resolve({
            server: {
              url: message.url,
              port: message.port,
              close: () =>
                new Promise<void>((done) => {
                  closed = done
                  send({ type: 'close' })
                  // A worker stuck in a long write still goes away.
                  setTimeout(() => void worker.terminate().then(() => done()), 5000).unref()
                }),
            },
            error: null,
          })
          break
        case 'failed':
          fail(message.message)
          break
        case 'spans':
          workbench.ingest.spansArrived(message.dir, message.traceIds, message.count)
          break
        case 'ask': {
          const { id, question } = message
          const answer = question.what === 'candidates' ? workbench.ingest.candidates() : workbench.ingest.read(question.dir, question.operation, question.request)
          answer.then(
            (value) => send({ type: 'answer', id, ok: true, value }),
            (error: unknown) => send({ type: 'answer', id, ok: false, error: toWeftError(error).toJSON() }),
          )
          break
        }
        case 'closed':
          closed?.()
          break
      }
    })
  })
}
