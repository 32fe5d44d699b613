/**
 * zod schemas for an OTLP/HTTP JSON ExportTraceServiceRequest. They validate
 * and normalise (ids → lowercase hex, times → ms) in one pass so every error
 * carries the exact path (`resourceSpans.0.scopeSpans.1.spans.3.traceId`).
 */
import { z } from 'zod'

/** An OTLP AnyValue as protobuf-JSON writes it (exactly one field set). */
export interface OtlpAnyValue {
  stringValue?: string
  boolValue?: boolean
  intValue?: string | number
  doubleValue?: string | number
  bytesValue?: string
  arrayValue?: { values?: OtlpAnyValue[] }
  kvlistValue?: { values?: OtlpKeyValue[] }
}

/** One OTLP attribute. */
export interface OtlpKeyValue {
  key: string
  value?: OtlpAnyValue
}

/** Validates an AnyValue, recursively. */
export const AnyValueSchema: z.ZodType<OtlpAnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    // int64 is a decimal string in protobuf-JSON; some exporters send numbers.
    intValue: z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'must be an integer')]).optional(),
    // "NaN"/"Infinity" and numeric strings are legal protobuf-JSON doubles.
    doubleValue: z.union([z.number(), z.string()]).optional(),
    bytesValue: z.string().optional(),
    arrayValue: z.object({ values: z.array(AnyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(KeyValueSchema).optional() }).optional(),
  }),
)

/** Validates one attribute. */
export const KeyValueSchema: z.ZodType<OtlpKeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: AnyValueSchema.optional() }),
)

const attributes = z.array(KeyValueSchema).optional()

/** `bytes` lowercase-hex, or null when `raw` is neither hex nor base64 of that length. */
export function normaliseId(raw: string, bytes: number): string | null {
  // Hex first: a 16-char hex span id is also valid base64, but of 12 bytes, so
  // the length check below keeps the two readings from colliding.
  if (raw.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(raw)) return raw.toLowerCase()
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) return null
  const decoded = Buffer.from(raw, raw.includes('-') || raw.includes('_') ? 'base64url' : 'base64')
  return decoded.length === bytes ? decoded.toString('hex') : null
}

function idSchema(bytes: number, what: string) {
  return z.string().transform((raw, ctx) => {
    const hex = normaliseId(raw, bytes)
    if (hex === null) {
      ctx.addIssue({ code: 'custom', message: `${what} must be ${bytes * 2} hex characters or base64 of ${bytes} bytes` })
      return z.NEVER
    }
    if (/^0+$/.test(hex)) {
      ctx.addIssue({ code: 'custom', message: `${what} must not be all zeros` })
      return z.NEVER
    }
    return hex
  })
}

/** Parent ids: absent, empty or all-zero all mean "root span". */
const parentIdSchema = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw === '') return null
    const hex = normaliseId(raw, 8)
    if (hex === null) {
      ctx.addIssue({ code: 'custom', message: 'parentSpanId must be 16 hex characters or base64 of 8 bytes' })
      return z.NEVER
    }
    return /^0+$/.test(hex) ? null : hex
  })

/** fixed64 nanoseconds (string or number) → milliseconds; "0" reads as absent. */
const nanosSchema = z
  .union([z.number().nonnegative(), z.string().regex(/^\d+$/, 'must be a decimal string of nanoseconds')])
  .transform((ns) => {
    // BigInt keeps the string exact; microsecond precision survives the float.
    if (Number(ns) === 0) return null
    return typeof ns === 'number' ? ns / 1e6 : Number(BigInt(ns) / 1000n) / 1000
  })

const StatusSchema = z
  .object({
    code: z.union([z.literal(0), z.literal(1), z.literal(2), z.enum(['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'])]).optional(),
    message: z.string().optional(),
  })
  .optional()

const EventSchema = z.object({
  name: z.string(),
  timeUnixNano: nanosSchema.optional(),
  attributes,
})

/** One OTLP span, with ids as lowercase hex and times in ms. */
export const OtlpSpanSchema = z
  .object({
    traceId: idSchema(16, 'traceId'),
    spanId: idSchema(8, 'spanId'),
    parentSpanId: parentIdSchema,
    name: z.string().min(1, 'must not be empty'),
    kind: z.union([z.number().int(), z.string()]).optional(),
    startTimeUnixNano: nanosSchema,
    endTimeUnixNano: nanosSchema.optional(),
    attributes,
    events: z.array(EventSchema).optional(),
    status: StatusSchema,
  })
  .superRefine((span, ctx) => {
    if (span.startTimeUnixNano === null) {
      ctx.addIssue({ code: 'custom', path: ['startTimeUnixNano'], message: 'is required and must not be 0' })
    } else if (span.endTimeUnixNano != null && span.endTimeUnixNano < span.startTimeUnixNano) {
      ctx.addIssue({ code: 'custom', path: ['endTimeUnixNano'], message: 'must not be before startTimeUnixNano' })
    }
  })

/** A validated OTLP span. */
export type OtlpSpan = z.output<typeof OtlpSpanSchema>

/**
 * The envelope of an ExportTraceServiceRequest with each span left unchecked,
 * so one malformed span can be rejected alone (OTLP partial success).
 */
export const ExportEnvelopeSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z.object({ name: z.string().optional(), version: z.string().optional(), attributes }).optional(),
              spans: z.array(z.unknown()).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
})

/** Deepest JSON nesting accepted: far beyond real attributes, well within the stack. */
export const MAX_DEPTH = 256

/**
 * The path of the first value nested deeper than `max`, or null. Iterative on
 * purpose: the recursive zod schema and AnyValue conversion would overflow the
 * stack (a raw RangeError) on a hostile body before reporting anything.
 */
export function tooDeep(body: unknown, max = MAX_DEPTH): string[] | null {
  const stack: { value: unknown; path: string[] }[] = [{ value: body, path: [] }]
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: string[] }
    if (typeof value !== 'object' || value === null) continue
    if (path.length >= max) return path
    for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: [...path, key] })
  }
  return null
}
