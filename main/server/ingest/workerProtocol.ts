/** Messages between the workbench and the ingest worker thread (worker.ts). */
import type { SerializedError } from '../../../common/errors'
import type { IngestReadOperation } from './types'

/** What the worker starts with. */
export interface IngestWorkerData {
  port: number
  host?: string
}

/** What the worker asks the workbench. */
export type IngestQuestion =
  | { what: 'candidates' }
  | { what: 'read'; dir: string; operation: IngestReadOperation; request: unknown }

/** Workbench → worker. */
export type ToIngestWorker =
  | { type: 'answer'; id: number; ok: true; value: unknown }
  | { type: 'answer'; id: number; ok: false; error: SerializedError }
  | { type: 'close' }

/** Worker → workbench. */
export type FromIngestWorker =
  | { type: 'listening'; url: string; port: number }
  | { type: 'failed'; message: string }
  | { type: 'spans'; dir: string; traceIds: string[]; count: number }
  | { type: 'ask'; id: number; question: IngestQuestion }
  | { type: 'closed' }
