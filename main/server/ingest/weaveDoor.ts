/**
 * The W&B Weave door: the trace-server routes the unmodified `weave` SDK uses
 * (set `WF_TRACE_SERVER_URL` to this server, `WANDB_API_KEY` to the ingest
 * token, and `weave.init('entity/project')`). Calls become spans; objects,
 * tables, files and feedback go to the Weave tables of the same database
 * (main/traces/weave/). Bad input is a 400 whose `reason` names the field.
 */
import type busboy from 'busboy'
import type { z } from 'zod'
import { toWeftError, WeftError } from '../../../common/errors'
import { describeIssues, issuesFromZod } from '../../../common/dispatch'
import { readCall, queryCalls } from '../../traces/weave/callRead'
import { ingestCalls, renameCall, type CallItem } from '../../traces/weave/calls'
import { recordWeaveEvaluations } from '../../traces/weave/evaluations'
import { createWeaveFeedback, queryWeaveFeedback } from '../../traces/weave/feedback'
import { createObject, queryObjects, readObject } from '../../traces/weave/objects'
import { parsePyJson, toJs, type PyValue } from '../../traces/weave/pyjson'
import { resolveRef } from '../../traces/weave/refs'
import * as S from '../../traces/weave/schemas'
import { createFile, createTable, createTableFromDigests, queryTable, readFile, updateTable, type TableStep } from '../../traces/weave/tables'
import { errorReply } from './ingestServer'
import { lazyRequire } from '../../lazyRequire'
import type { IngestReply, IngestRequest, IngestRoute } from './types'

// Required on the first multipart upload (Weave files), not when the ingest worker starts (~10 ms).
const loadBusboy = lazyRequire<typeof busboy>('busboy')

/** The Weave door's routes, mounted at the server root. */
export function weaveRoutes(): IngestRoute[] {
  const post = (path: string, handle: (request: IngestRequest) => IngestReply | Promise<IngestReply>): IngestRoute => ({
    method: 'POST',
    path,
    handle: (request) => guarded(() => handle(request)),
  })
  const get = (path: string, json: unknown): IngestRoute => ({ method: 'GET', path, handle: () => ({ status: 200, json }) })
  const ok = (json: unknown): IngestReply => ({ status: 200, json })

  return [
    get('/health', {}),
    get('/server_info', { min_required_weave_python_version: '0.0.1', trace_server_version: 'weft' }),

    post('/call/upsert_batch', (r) => {
      const body = validate(S.UpsertBatchSchema, json(r))
      const items: CallItem[] = body.batch.map((item) => (item.mode === 'start' ? { start: item.req.start } : { end: item.req.end }))
      return ok({ res: storeCalls(r, items) })
    }),
    post('/call/start', (r) => ok(storeCalls(r, [{ start: validate(S.CallStartReqSchema, json(r)).start }])[0])),
    post('/call/end', (r) => {
      storeCalls(r, [{ end: validate(S.CallEndReqSchema, json(r)).end }])
      return ok({})
    }),
    post('/call/update', (r) => {
      const body = validate(S.CallUpdateSchema, json(r))
      if (body.display_name) renameCall(r.project.traces, body.call_id, body.display_name)
      return ok({})
    }),
    post('/call/read', (r) => {
      const body = validate(S.CallReadSchema, json(r))
      return ok({ call: readCall(r.project.traces, body.id, { includeFeedback: body.include_feedback ?? false }) ?? null })
    }),
    post('/calls/stream_query', (r) => {
      const calls = queryCalls(r.project.traces, validate(S.CallsQuerySchema, json(r)))
      return { status: 200, text: calls.map((c) => `${JSON.stringify(c)}\n`).join(''), contentType: 'application/jsonl' }
    }),
    post('/calls/query_stats', (r) => {
      const query = validate(S.CallsQuerySchema, json(r))
      return ok({ count: queryCalls(r.project.traces, { ...query, limit: null, offset: null, sort_by: null }).length })
    }),

    post('/obj/create', (r) => {
      const py = pyJson(r)
      const body = validate(S.ObjCreateSchema, toJs(py))
      const val = pyAt(py, 'obj', 'val') ?? null
      return ok(createObject(r.project.traces.sqlite, { projectId: body.obj.project_id, objectId: body.obj.object_id, val }))
    }),
    post('/obj/read', (r) => {
      const body = validate(S.ObjReadSchema, json(r))
      const obj = readObject(r.project.traces.sqlite, body.project_id, body.object_id, body.digest)
      if (!obj) throw new WeftError('NOT_FOUND', `Object ${body.object_id}:${body.digest} not found in ${body.project_id}`)
      return ok({ obj })
    }),
    post('/objs/query', (r) => ok({ objs: queryObjects(r.project.traces.sqlite, validate(S.ObjQuerySchema, json(r))) })),

    post('/table/create', (r) => {
      const py = pyJson(r)
      const body = validate(S.TableCreateSchema, toJs(py))
      const rows = (pyAt(py, 'table', 'rows') as PyValue[] | undefined) ?? []
      return ok(createTable(r.project.traces.sqlite, body.table.project_id, rows))
    }),
    post('/table/create_from_digests', (r) => {
      const body = validate(S.TableFromDigestsSchema, json(r))
      return ok(createTableFromDigests(r.project.traces.sqlite, body.project_id, body.row_digests))
    }),
    post('/table/update', (r) => {
      const py = pyJson(r)
      const body = validate(S.TableUpdateSchema, toJs(py))
      const pySteps = (pyAt(py, 'updates') as PyValue[] | undefined) ?? []
      const steps: TableStep[] = body.updates.map((step, i) => {
        if ('append' in step) return { append: pyAt(pySteps[i]!, 'append', 'row')! }
        if ('pop' in step) return { pop: step.pop.index }
        return { insert: { index: step.insert.index, row: pyAt(pySteps[i]!, 'insert', 'row')! } }
      })
      return ok(updateTable(r.project.traces.sqlite, body.project_id, body.base_digest, steps))
    }),
    post('/table/query', (r) => {
      const body = validate(S.TableQuerySchema, json(r))
      return ok({ rows: tableRows(r, body) })
    }),
    post('/table/query_stats', (r) => {
      const body = validate(S.TableQuerySchema, json(r))
      return ok({ count: tableRows(r, { ...body, limit: null, offset: null }).length })
    }),
    post('/refs/read_batch', (r) => {
      const body = validate(S.RefsReadSchema, json(r))
      return ok({ vals: body.refs.map((ref) => resolveRef(r.project.traces, ref)) })
    }),

    // The JS SDK posts to /file/*, newer Python clients to /files/*.
    post('/file/create', createFileRoute),
    post('/files/create', createFileRoute),
    post('/file/content', fileContent),
    post('/files/content', fileContent),

    post('/feedback/create', (r) => ok(createWeaveFeedback(r.project.traces.sqlite, validate(S.FeedbackCreateSchema, json(r))))),
    post('/feedback/batch/create', (r) => {
      const body = validate(S.FeedbackBatchSchema, json(r))
      const db = r.project.traces.sqlite
      return ok({ res: db.transaction(() => body.batch.map((f) => createWeaveFeedback(db, f)))() })
    }),
    post('/feedback/query', (r) => ok({ result: queryWeaveFeedback(r.project.traces.sqlite, validate(S.FeedbackQuerySchema, json(r))) })),
  ]
}

function storeCalls(request: IngestRequest, items: CallItem[]) {
  const result = ingestCalls(request.project.traces, items)
  if (result.spanCount > 0) request.project.spansAdded(result.traceIds, result.spanCount)
  // Only batches that end an evaluation (or one of its rows) pay for this; it never throws.
  if (result.evaluationIds.length > 0) recordWeaveEvaluations(request.project.traces, result.evaluationIds)
  return result.res
}

function tableRows(request: IngestRequest, query: z.output<typeof S.TableQuerySchema>) {
  const rows = queryTable(request.project.traces.sqlite, {
    projectId: query.project_id, digest: query.digest, rowDigests: query.filter?.row_digests, limit: query.limit, offset: query.offset,
  })
  if (!rows) throw new WeftError('NOT_FOUND', `Table ${query.digest} not found in ${query.project_id}`)
  return rows
}

async function createFileRoute(request: IngestRequest): Promise<IngestReply> {
  const { fields, files } = await readMultipart(request)
  const projectId = fields.project_id
  if (!projectId) throw invalid('project_id', 'missing form field')
  const file = files.file
  if (!file) throw invalid('file', 'missing file part')
  return { status: 200, json: { digest: createFile(request.project.traces.sqlite, projectId, file) } }
}

function fileContent(request: IngestRequest): IngestReply {
  const body = validate(S.FileContentSchema, json(request))
  const content = readFile(request.project.traces.sqlite, body.project_id, body.digest)
  if (!content) throw new WeftError('NOT_FOUND', `File ${body.digest} not found in ${body.project_id}`)
  return { status: 200, bytes: content, contentType: 'application/octet-stream' }
}

/** Reads a multipart/form-data body (fields as text, files as bytes) with busboy. */
function readMultipart(request: IngestRequest): Promise<{ fields: Record<string, string>; files: Record<string, Buffer> }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {}
    const files: Record<string, Buffer> = {}
    const createParser = loadBusboy()
    let parser: busboy.Busboy
    try {
      parser = createParser({ headers: request.headers })
    } catch (error) {
      reject(invalid('body', `not multipart/form-data (${(error as Error).message})`))
      return
    }
    parser.on('field', (name, value) => {
      fields[name] = value
    })
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        files[name] = Buffer.concat(chunks)
      })
    })
    parser.on('error', (error) => reject(invalid('body', `malformed multipart body (${(error as Error).message})`)))
    parser.on('close', () => resolve({ fields, files }))
    parser.end(request.body)
  })
}

/** Runs a handler; input errors become 400 and unknown things 404, with Weave's `reason`. */
async function guarded(run: () => IngestReply | Promise<IngestReply>): Promise<IngestReply> {
  try {
    return await run()
  } catch (error) {
    const weft = toWeftError(error)
    if (weft.code === 'INVALID_REQUEST') return errorReply(400, weft.message, weft.issues)
    if (weft.code === 'NOT_FOUND') return errorReply(404, weft.message)
    throw error
  }
}

function invalid(path: string, message: string): WeftError {
  return new WeftError('INVALID_REQUEST', `${path}: ${message}`, [{ path, message }])
}

function text(request: IngestRequest): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(request.body)
  } catch {
    throw invalid('body', 'not UTF-8')
  }
}

function json(request: IngestRequest): unknown {
  try {
    return JSON.parse(text(request)) as unknown
  } catch (error) {
    if (error instanceof WeftError) throw error
    throw invalid('body', `not JSON (${(error as Error).message})`)
  }
}

/** The body as Python types it, for the routes whose digests depend on it. */
function pyJson(request: IngestRequest): PyValue {
  try {
    return parsePyJson(text(request))
  } catch (error) {
    if (error instanceof WeftError) throw error
    throw invalid('body', `not JSON (${(error as Error).message})`)
  }
}

function pyAt(value: PyValue, ...keys: string[]): PyValue | undefined {
  let v: PyValue | undefined = value
  for (const key of keys) v = v instanceof Map ? v.get(key) : undefined
  return v
}

/** Parses with a zod schema; failures name every field path (first five). */
function validate<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issues = issuesFromZod(parsed.error).slice(0, 5)
  throw new WeftError('INVALID_REQUEST', describeIssues(issues), issues)
}
