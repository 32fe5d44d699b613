/**
 * The ingest server's seams: a door (native, OTLP, Weave) is a table of routes
 * that take an authenticated, size-checked, decompressed request for one
 * project and return a reply. The server owns sockets, auth and limits; doors
 * own their wire format.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { TraceDb } from '../../traces/db'

/** The project reads an app may make with its ingest token (the SDK's getPrompt and getDataset). */
export type IngestReadOperation = 'objects.get' | 'prompts.render'

/** The project an ingest token unlocks. */
export interface IngestProject {
  /** The project folder. */
  dir: string
  /** Its trace database (`.weft/traces.db`). */
  traces: TraceDb
  /**
   * Answers an SDK read exactly as the workbench operation of that name does
   * (validation and errors included); the workbench owns the object store, so
   * an ingest worker thread asks it.
   */
  read(operation: IngestReadOperation, request: unknown): Promise<unknown>
  /** Tells the workbench spans arrived (the live event); cheap, may be called per batch. */
  spansAdded(traceIds: readonly string[], count: number): void
}

/** One request as a door sees it. */
export interface IngestRequest {
  method: string
  /** The path without the query string, e.g. `/v1/traces`. */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** The whole body, already gunzipped and within the size limit. */
  body: Buffer
  project: IngestProject
}

/** What a door answers. Exactly one of json, text or bytes. */
export interface IngestReply {
  status: number
  json?: unknown
  /** Sent as-is with `contentType` (e.g. JSONL for /calls/stream_query). */
  text?: string
  bytes?: Buffer
  contentType?: string
}

/** A route: method and exact path, or a path prefix ending in `/`. */
export interface IngestRoute {
  method: 'GET' | 'POST'
  path: string
  handle(request: IngestRequest): Promise<IngestReply> | IngestReply
}
