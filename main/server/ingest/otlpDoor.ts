/**
 * The OTLP/HTTP door: `POST /v1/traces` with a JSON or protobuf
 * ExportTraceServiceRequest, answered in the encoding it came in, as the OTLP
 * specification asks (errors carry a google.rpc.Status).
 */
import { toWeftError } from '../../../common/errors'
import { spansFromOtlpJson } from '../../traces/otlp'
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
        let spans
        try {
          spans = spansFromOtlpJson(body)
        } catch (error) {
          const weft = toWeftError(error)
          return fail(400, weft.message, weft.issues)
        }
        const reply = recordSpans(request.project, spans, () =>
          proto ? { status: 200, bytes: encodeOtlpResponse(), contentType: PROTOBUF } : { status: 200, json: {} },
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
