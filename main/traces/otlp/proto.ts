/**
 * OTLP/HTTP protobuf bodies. protobufjs decodes them against the trace
 * messages of opentelemetry-proto (declared below from the published .proto
 * field numbers), and the result is handed to the JSON door in its protobuf-JSON
 * shape, so there is one validation and one mapping for both encodings.
 * protobufjs was chosen because the OpenTelemetry JS packages only encode.
 */
import type protobuf from 'protobufjs/light.js'
import { once } from '../../../common/once'
import { WeftError } from '../../../common/errors'
import { lazyRequire } from '../../lazyRequire'

const kv = { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } }
const attrs = (id: number) => ({ rule: 'repeated', type: 'KeyValue', id })

const OTLP_MESSAGES: protobuf.INamespace = {
  nested: {
    otlp: {
      nested: {
        ExportTraceServiceRequest: { fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } } },
        ExportTraceServiceResponse: { fields: { partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } } },
        ExportTracePartialSuccess: { fields: { rejectedSpans: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } } },
        RpcStatus: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } },
        ResourceSpans: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        Resource: { fields: { attributes: attrs(1), droppedAttributesCount: { type: 'uint32', id: 2 } } },
        ScopeSpans: {
          fields: {
            scope: { type: 'InstrumentationScope', id: 1 },
            spans: { rule: 'repeated', type: 'Span', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: attrs(3),
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        Span: {
          fields: {
            traceId: { type: 'bytes', id: 1 },
            spanId: { type: 'bytes', id: 2 },
            traceState: { type: 'string', id: 3 },
            parentSpanId: { type: 'bytes', id: 4 },
            name: { type: 'string', id: 5 },
            kind: { type: 'int32', id: 6 },
            startTimeUnixNano: { type: 'fixed64', id: 7 },
            endTimeUnixNano: { type: 'fixed64', id: 8 },
            attributes: attrs(9),
            droppedAttributesCount: { type: 'uint32', id: 10 },
            events: { rule: 'repeated', type: 'Event', id: 11 },
            droppedEventsCount: { type: 'uint32', id: 12 },
            links: { rule: 'repeated', type: 'Link', id: 13 },
            droppedLinksCount: { type: 'uint32', id: 14 },
            status: { type: 'Status', id: 15 },
            flags: { type: 'fixed32', id: 16 },
          },
        },
        Event: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            name: { type: 'string', id: 2 },
            attributes: attrs(3),
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        Link: {
          fields: {
            traceId: { type: 'bytes', id: 1 },
            spanId: { type: 'bytes', id: 2 },
            traceState: { type: 'string', id: 3 },
            attributes: attrs(4),
            droppedAttributesCount: { type: 'uint32', id: 5 },
            flags: { type: 'fixed32', id: 6 },
          },
        },
        // Field 1 is the deprecated code, reserved in the .proto.
        Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
        KeyValue: { fields: kv },
        AnyValue: {
          oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
      },
    },
  },
}

// protobufjs (~20 ms) loads when the first protobuf body arrives or is answered, not when the ingest
// server starts: most senders use JSON. require, not import(): decode and encode stay synchronous.
const loadProtobuf = lazyRequire<typeof protobuf>('protobufjs/light.js')
const messages = once(() => {
  const { Root } = loadProtobuf()
  const root = Root.fromJSON(OTLP_MESSAGES)
  return {
    Request: root.lookupType('otlp.ExportTraceServiceRequest'),
    Response: root.lookupType('otlp.ExportTraceServiceResponse'),
    RpcStatus: root.lookupType('otlp.RpcStatus'),
  }
})

/**
 * Decodes a protobuf ExportTraceServiceRequest into its protobuf-JSON form:
 * int64/fixed64 as decimal strings, bytes as base64 (the JSON door accepts
 * base64 ids), enums as numbers, unset fields absent.
 */
export function decodeOtlpProtobuf(body: Uint8Array): unknown {
  const { Request } = messages()
  let message: protobuf.Message
  try {
    message = Request.decode(body)
  } catch (error) {
    throw new WeftError('INVALID_REQUEST', `Invalid OTLP protobuf body: ${(error as Error).message}`)
  }
  return Request.toObject(message, { longs: String, bytes: String, enums: Number, defaults: false, arrays: false, oneofs: false })
}

/** An ExportTraceServiceResponse; partial success only when spans were rejected. */
export function encodeOtlpResponse(partial?: { rejectedSpans: number; errorMessage: string }): Buffer {
  const { Response } = messages()
  return Buffer.from(Response.encode(Response.create(partial ? { partialSuccess: partial } : {})).finish())
}

/** A google.rpc.Status body, which OTLP/HTTP asks for with error responses. */
export function encodeOtlpStatus(code: number, message: string): Buffer {
  const { RpcStatus } = messages()
  return Buffer.from(RpcStatus.encode(RpcStatus.create({ code, message })).finish())
}

/** Encodes a protobuf-JSON request (tests, benchmarks: what an OTLP/proto exporter sends). */
export function encodeOtlpProtobuf(request: Record<string, unknown>): Buffer {
  const { Request } = messages()
  // fromObject, not verify: it takes protobuf-JSON as exporters write it (int64 as decimal strings, bytes as base64).
  return Buffer.from(Request.encode(Request.fromObject(request)).finish())
}
