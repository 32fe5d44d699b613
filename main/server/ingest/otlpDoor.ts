/**
 * The OTLP/HTTP door: `POST /v1/traces` with a JSON or protobuf
 * ExportTraceServiceRequest, answered in the encoding it came in, as the OTLP
 * specification asks (errors carry a google.rpc.Status; rejected spans a
 * partial success).
 */
import { toWeftError } from '../../../common/errors'
import { describeIssues } from '../../../common/dispatch'
import { readOtlpExport, type OtlpExport } from '../../traces/otlp'
import { decodeOtlpProtobuf, encodeOtlpResponse, encodeOtlpStatus } from '../../traces/otlp/proto'
import { errorReply } from './ingestServer'
import { parseJsonBody, recordSpans } from './ingestBody'
import type { IngestReply, IngestRoute } from './types'

/** Path OTLP/HTTP exporters post traces to. */
export const OTLP_TRACES_PATH = '/v1/traces'

const PROTOBUF = 'application/x-protobuf'

/** The OTLP door's routes. */
export function otlpRoutes(): IngestRoute[] {
  return [
    {
      method: 'POST',
      path: OTLP_TRACES_PATH,
      handle(request) {
        const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
        const proto = type === PROTOBUF || type === 'application/protobuf'
        if (!proto && type !== 'application/json') {
          return errorReply(415, `Send OTLP traces as application/json or ${PROTOBUF}, not "${type || 'no content-type'}"`)
        }
        const fail = (status: number, message: string, issues?: unknown): IngestReply =>
          proto ? { status, bytes: encodeOtlpStatus(status === 400 ? 3 : 16, message), contentType: PROTOBUF } : errorReply(status, message, issues)
        let body: unknown
        if (proto) {
          try {
            body = decodeOtlpProtobuf(request.body)
          } catch (error) {
            return fail(400, toWeftError(error).message)
          }
        } else {
          const parsed = parseJsonBody(request.body)
          if (!parsed.ok) return parsed.reply
          body = parsed.value
        }
        let read: OtlpExport
        try {
          read = readOtlpExport(body)
        } catch (error) {
          const weft = toWeftError(error)
          return fail(400, weft.message, weft.issues)
        }
        // Malformed spans are rejected one by one (OTLP partial success): the rest of the batch is
        // kept, because an exporter drops a whole batch that gets a 400. Only a batch with nothing
        // storable is refused.
        const { spans, rejected, rejectedSpans } = read
        if (rejectedSpans > 0 && spans.length === 0) return fail(400, `Invalid OTLP trace export: ${describeIssues(rejected)}`, rejected)
        const partial = rejectedSpans > 0 ? { rejectedSpans, errorMessage: `${rejectedSpans} span(s) rejected: ${describeIssues(rejected)}` } : undefined
        const reply = recordSpans(request.project, spans, () =>
          proto
            ? { status: 200, bytes: encodeOtlpResponse(partial), contentType: PROTOBUF }
            : { status: 200, json: partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {} },
        )
        if (reply.status !== 200 && proto) {
          const json = reply.json as { message?: string } | undefined
          return fail(reply.status, json?.message ?? 'Invalid spans')
        }
        return reply
      },
    },
  ]
}
