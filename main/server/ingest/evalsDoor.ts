/**
 * The SDK's evaluation endpoints (issue 8), part of the native door: an app
 * running `evaluate()` starts a run, sends its rows in batches and finishes
 * it; Weft stores it like an engine run (source `sdk`, main/evals/sdkRuns.ts)
 * and computes the summary from the stored rows. Every body is checked here
 * and a bad one is refused whole, naming the field.
 *
 * The run id travels in the body, not the path: the ingest server matches
 * exact paths only, like the rest of the native door's RPC-style endpoints.
 */
import type Database from 'better-sqlite3'
import os from 'node:os'
import { z } from 'zod'
import { describeIssues, issuesFromZod } from '../../../common/dispatch'
import { toWeftError } from '../../../common/errors'
import { EvalRunIdSchema } from '../../../common/schemas/evals'
import { sdkRuns, type SdkRunDefinition } from '../../evals/sdkRuns'
import { HTTP_STATUS } from '../statusCodes'
import { errorReply } from './ingestServer'
import { parseJsonBody } from './ingestBody'
import type { IngestReply, IngestRequest, IngestRoute } from './types'

/** Paths of the evaluation endpoints. */
export const EVALS_PATHS = {
  create: '/weft/v1/evals/runs',
  rows: '/weft/v1/evals/runs/rows',
  finish: '/weft/v1/evals/runs/finish',
} as const

/** Most rows per batch: the SDK sends 100; this leaves room without inviting one giant transaction. */
export const MAX_ROWS_PER_BATCH = 1000

// The same rule as an evaluation definition's scorer ids, so SDK runs read like engine runs.
const ScorerName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter: letters, digits, _ . - (at most 64)')
const CONTROL = /\p{Cc}/u

const CreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200).refine((name) => !CONTROL.test(name), 'must not contain control characters'),
    /** A dataset reference (the SDK sends the digest it read), or null for rows passed inline. */
    dataset: z.string().min(1).max(500).nullable(),
    scorers: z
      .array(ScorerName)
      .max(100)
      .refine((names) => new Set(names).size === names.length, 'scorer names must be unique'),
    trials: z.number().int().min(1).max(100),
    total: z.number().int().min(0).max(10_000_000),
    /** The model function's name. */
    model: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    concurrency: z.number().int().min(1).max(256).optional(),
    /** The app's process and machine: a run whose process is gone shows as interrupted (when it ran on this machine). */
    pid: z.number().int().positive().max(2 ** 32).optional(),
    host: z.string().max(255).optional(),
  })
  .strict()

const ScoreSchema = z.object({ score: z.number(), pass: z.boolean().optional(), reason: z.string().max(10_000).optional() }).strict().nullable()

/** One row × trial as the SDK sends it (RowResult of main/evals/summary.ts). */
const RowSchema = z
  .object({
    rowId: z.string().min(1).max(512),
    trial: z.number().int().min(0).max(99),
    output: z.unknown(),
    error: z.string().max(100_000).nullable(),
    latencyMs: z.number().nonnegative().nullable(),
    tokens: z.number().int().nonnegative(),
    costUsd: z.number().nonnegative().nullable(),
    scores: z.record(ScorerName, ScoreSchema),
    traceId: z.string().min(1).max(128).optional(),
  })
  .strict()

const RowsSchema = z
  .object({
    runId: EvalRunIdSchema,
    rows: z
      .array(RowSchema)
      .min(1)
      .max(MAX_ROWS_PER_BATCH)
      .superRefine((rows, ctx) => {
        // Two copies of one row × trial in a batch: which one wins would be an accident of order.
        const seen = new Set<string>()
        rows.forEach((row, i) => {
          const key = JSON.stringify([row.rowId, row.trial])
          if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'rowId'], message: `row "${row.rowId}" trial ${row.trial} appears twice in this batch` })
          seen.add(key)
        })
      }),
  })
  .strict()

const FinishSchema = z.object({ runId: EvalRunIdSchema, status: z.enum(['finished', 'cancelled', 'failed']) }).strict()

// One set of prepared statements per database connection, not one per request.
const runsByDb = new WeakMap<Database.Database, ReturnType<typeof sdkRuns>>()
function runsOf(request: IngestRequest): ReturnType<typeof sdkRuns> {
  const db = request.project.traces.sqlite
  let runs = runsByDb.get(db)
  if (!runs) runsByDb.set(db, (runs = sdkRuns(db)))
  return runs
}

/** Parses and validates a JSON body; a failure is the 400 reply naming the fields. */
function readBody<T>(request: IngestRequest, schema: z.ZodType<T>, what: string): { ok: true; value: T } | { ok: false; reply: IngestReply } {
  const body = parseJsonBody(request.body)
  if (!body.ok) return body
  const parsed = schema.safeParse(body.value)
  if (parsed.success) return { ok: true, value: parsed.data }
  const issues = issuesFromZod(parsed.error)
  return { ok: false, reply: errorReply(400, `Invalid ${what}: ${describeIssues(issues)}`, issues) }
}

/** A WeftError as the door answers it (404 unknown run, 409 ended run, 400 bad rows). */
function failure(error: unknown): IngestReply {
  const weft = toWeftError(error)
  if (weft.code === 'INTERNAL') throw error
  return errorReply(HTTP_STATUS[weft.code], weft.message, weft.issues)
}

/** The pinned dataset and its row count, read the way `objects.get` (and the SDK's getDataset) reads it. */
async function pinDataset(request: IngestRequest, ref: string): Promise<{ ok: true; pinned: string; rows: number } | { ok: false; reply: IngestReply }> {
  const explicit = /^weft:\/\/([^/]+)\//.exec(ref)?.[1] ?? /^([a-z]+):(?!\/\/)/.exec(ref)?.[1]
  if (explicit !== undefined && explicit !== 'dataset') return { ok: false, reply: errorReply(400, `dataset: ${ref} names a ${explicit}, not a dataset`, [{ path: 'dataset', message: `a ${explicit}` }]) }
  const qualified = explicit === undefined ? `dataset:${ref}` : ref
  let answer: { resolved: { name: string; digest: string }; content: string }
  try {
    answer = (await request.project.read('objects.get', { ref: qualified })) as typeof answer
  } catch (error) {
    const weft = toWeftError(error)
    if (weft.code === 'INTERNAL') throw error
    return { ok: false, reply: errorReply(HTTP_STATUS[weft.code], `dataset: ${weft.message}`, [{ path: 'dataset', message: weft.message }]) }
  }
  const { name, digest } = answer.resolved
  // Stored datasets are canonical JSONL: one row per line.
  const rows = answer.content.split('\n').filter((line) => line.trim() !== '').length
  return { ok: true, pinned: `dataset:${name}@${digest}`, rows }
}

async function createRun(request: IngestRequest): Promise<IngestReply> {
  const body = readBody(request, CreateSchema, 'evaluation run')
  if (!body.ok) return body.reply
  const start = body.value
  const pinned: Record<string, string> = {}
  if (start.dataset !== null) {
    const dataset = await pinDataset(request, start.dataset)
    if (!dataset.ok) return dataset.reply
    if (start.total !== dataset.rows * start.trials) {
      const message = `${dataset.pinned} has ${dataset.rows} rows; with ${start.trials} trial(s) the total is ${dataset.rows * start.trials}, not ${start.total}`
      return errorReply(400, `Invalid evaluation run: total: ${message}`, [{ path: 'total', message }])
    }
    pinned.dataset = dataset.pinned
  } else if (start.total % start.trials !== 0) {
    return errorReply(400, `Invalid evaluation run: total: ${start.total} is not a whole number of rows × ${start.trials} trial(s)`, [{ path: 'total', message: 'not rows × trials' }])
  }
  const definition: SdkRunDefinition = {
    ...(start.description === undefined ? {} : { description: start.description }),
    dataset: pinned.dataset ?? null,
    target: { sdk: start.model || 'anonymous' },
    scorers: start.scorers.map((id) => ({ id, type: 'sdk' as const })),
    trials: start.trials,
    ...(start.concurrency === undefined ? {} : { concurrency: start.concurrency }),
  }
  try {
    // A pid only means something on this machine: another host's process cannot be checked from here.
    const pid = start.pid !== undefined && start.host === os.hostname() ? start.pid : null
    return { status: 200, json: { runId: runsOf(request).create({ name: start.name, definition, pinned, total: start.total, pid }) } }
  } catch (error) {
    return failure(error)
  }
}

function recordRows(request: IngestRequest): IngestReply {
  const body = readBody(request, RowsSchema, 'evaluation rows')
  if (!body.ok) return body.reply
  try {
    return { status: 200, json: runsOf(request).record(body.value.runId, body.value.rows) }
  } catch (error) {
    return failure(error)
  }
}

function finishRun(request: IngestRequest): IngestReply {
  const body = readBody(request, FinishSchema, 'evaluation finish')
  if (!body.ok) return body.reply
  try {
    return { status: 200, json: { summary: runsOf(request).finish(body.value.runId, body.value.status) } }
  } catch (error) {
    return failure(error)
  }
}

/** The evaluation routes of the native door. */
export function evalsRoutes(): IngestRoute[] {
  return [
    { method: 'POST', path: EVALS_PATHS.create, handle: createRun },
    { method: 'POST', path: EVALS_PATHS.rows, handle: recordRows },
    { method: 'POST', path: EVALS_PATHS.finish, handle: finishRun },
  ]
}
