/** Messages between the workbench and an evaluation run's worker thread (evalWorker.ts). */
import type { ErrorIssue } from '../../../common/errors'
import type { RunProgress } from '../runLoop'
import type { EngineOptions, EngineResult } from '../engine'

/** What the worker is started with: the project folder (its object store and `.weft/traces.db`) and the run's request. */
export type EvalWorkerData = { dir: string } & Pick<EngineOptions, 'name' | 'concurrency' | 'trials' | 'set' | 'resume' | 'cache'>

/** Workbench → worker. */
export type ToEvalWorker = { type: 'cancel' } | { type: 'secret'; id: number; value: string | undefined }

/** Worker → workbench. */
export type FromEvalWorker =
  | { type: 'started'; runId: string }
  | { type: 'progress'; progress: RunProgress & { runId: string } }
  | { type: 'spans'; traceIds: string[]; count: number }
  | { type: 'secret'; id: number; name: string }
  | { type: 'done'; result: EngineResult }
  | { type: 'failed'; error: { code: string; message: string; issues?: ErrorIssue[] } }
