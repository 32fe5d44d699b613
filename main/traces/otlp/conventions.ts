/**
 * Semantic conventions → Weft span fields: OpenTelemetry GenAI (current and
 * older flattened/event forms) and OpenInference. Each reader takes the span's
 * attribute record and deletes the message payloads it turns into
 * inputs/output (so they are not stored twice); scalar keys it reads (model,
 * tokens, kind) stay in `attributes` for search and display.
 */
import type { SpanInput } from '../../../common/schemas/span'
import { attributesToRecord, parseMaybeJson, tokenCount, unflatten } from './values'
import type { OtlpKeyValue } from './schema'

type Kind = NonNullable<SpanInput['kind']>

/** The Weft fields a convention can supply. */
export interface ConventionFields {
  kind?: Kind
  inputs?: unknown
  output?: unknown
  model?: string
  inputTokens?: number
  outputTokens?: number
  sessionId?: string
}

/** A span event with plain-JSON attributes. */
export interface PlainEvent {
  name: string
  attributes: Record<string, unknown>
}

const GENAI_KINDS: Record<string, Kind> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  embeddings: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
}

const OPENINFERENCE_KINDS: Record<string, Kind> = {
  LLM: 'llm',
  CHAIN: 'chain',
  TOOL: 'tool',
  RETRIEVER: 'retrieval',
  EMBEDDING: 'embedding',
  AGENT: 'agent',
  RERANKER: 'retrieval',
  GUARDRAIL: 'other',
  EVALUATOR: 'evaluation',
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** Event names of the older GenAI event form → the role they carry. */
const GENAI_INPUT_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
}

/** Reads the OpenTelemetry GenAI conventions. */
export function readGenAi(attrs: Record<string, unknown>, events: readonly PlainEvent[]): ConventionFields {
  const out: ConventionFields = {}
  const op = str(attrs['gen_ai.operation.name'])
  if (op) out.kind = GENAI_KINDS[op] ?? 'other'
  out.model = str(attrs['gen_ai.response.model']) ?? str(attrs['gen_ai.request.model'])
  out.inputTokens = tokenCount(attrs['gen_ai.usage.input_tokens'] ?? attrs['gen_ai.usage.prompt_tokens'])
  out.outputTokens = tokenCount(attrs['gen_ai.usage.output_tokens'] ?? attrs['gen_ai.usage.completion_tokens'])
  out.sessionId = str(attrs['gen_ai.conversation.id'])

  // Current form: whole message lists as JSON strings.
  let inMessages = takeJson(attrs, 'gen_ai.input.messages')
  let outMessages = takeJson(attrs, 'gen_ai.output.messages')
  // Older form: gen_ai.prompt.N.role / gen_ai.completion.N.content.
  inMessages ??= unflatten(attrs, 'gen_ai.prompt', true)
  outMessages ??= unflatten(attrs, 'gen_ai.completion', true)
  // Oldest form: one span event per message.
  if (inMessages === undefined) {
    const fromEvents = events
      .filter((e) => e.name in GENAI_INPUT_EVENTS)
      .map((e) => ({ role: GENAI_INPUT_EVENTS[e.name], ...eventMessage(e.attributes) }))
    if (fromEvents.length > 0) inMessages = fromEvents
  }
  if (outMessages === undefined) {
    const choices = events.filter((e) => e.name === 'gen_ai.choice').map((e) => eventMessage(e.attributes))
    if (choices.length > 0) outMessages = choices
  }
  const system = takeJson(attrs, 'gen_ai.system_instructions')
  if (inMessages !== undefined || system !== undefined) {
    out.inputs = system === undefined ? { messages: inMessages } : { system, messages: inMessages ?? [] }
  }
  if (outMessages !== undefined) out.output = { messages: outMessages }
  return out
}

/** Event attributes as a message; `message`/`content` may themselves be JSON. */
function eventMessage(attrs: Record<string, unknown>): Record<string, unknown> {
  const message: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(attrs)) {
    // Drop the redundant prefix some emitters put on event attributes.
    const short = key.startsWith('gen_ai.') ? key.slice('gen_ai.'.length) : key
    const parsed = short === 'message' || short === 'content' || short === 'tool_calls' ? parseMaybeJson(value) : value
    // defineProperty: a `__proto__` key from the wire must stay a plain own key.
    Object.defineProperty(message, short, { value: parsed, enumerable: true, writable: true, configurable: true })
  }
  return message
}

function takeJson(attrs: Record<string, unknown>, key: string): unknown {
  if (!(key in attrs)) return undefined
  const value = parseMaybeJson(attrs[key])
  delete attrs[key]
  return value
}

/** Reads the OpenInference conventions. */
export function readOpenInference(attrs: Record<string, unknown>): ConventionFields {
  const out: ConventionFields = {}
  const kind = str(attrs['openinference.span.kind'])
  if (kind) out.kind = OPENINFERENCE_KINDS[kind.toUpperCase()] ?? 'other'
  out.model = str(attrs['llm.model_name'])
  out.inputTokens = tokenCount(attrs['llm.token_count.prompt'])
  out.outputTokens = tokenCount(attrs['llm.token_count.completion'])
  out.sessionId = str(attrs['session.id'])

  const inMessages = unflatten(attrs, 'llm.input_messages', true)?.map(oiMessage)
  const outMessages = unflatten(attrs, 'llm.output_messages', true)?.map(oiMessage)
  // Structured messages win; input.value then stays in attributes as the raw request.
  out.inputs = inMessages ? { messages: inMessages } : takeValue(attrs, 'input')
  out.output = outMessages ? { messages: outMessages } : takeValue(attrs, 'output')
  return out
}

/** `input.value`, JSON-parsed when its mime type says so; consumed from attrs. */
function takeValue(attrs: Record<string, unknown>, prefix: 'input' | 'output'): unknown {
  const key = `${prefix}.value`
  if (!(key in attrs)) return undefined
  const raw = attrs[key]
  const mime = str(attrs[`${prefix}.mime_type`])
  delete attrs[key]
  return mime?.toLowerCase().startsWith('application/json') ? parseMaybeJson(raw) : raw
}

/** Strips OpenInference's `message` / `tool_call` wrappers: {role, content, tool_calls: [{id, function}]}. */
function oiMessage(entry: unknown): unknown {
  const message = (entry as { message?: unknown } | null)?.message
  if (typeof message !== 'object' || message === null) return entry
  const m = { ...(message as Record<string, unknown>) }
  if (Array.isArray(m.tool_calls)) {
    m.tool_calls = m.tool_calls
      .filter((c) => c !== undefined)
      .map((c) => (c as { tool_call?: unknown } | null)?.tool_call ?? c)
  }
  return m
}

/** Plain-JSON events from OTLP events. */
export function plainEvents(events: readonly { name: string; attributes?: OtlpKeyValue[] | undefined }[] | undefined): PlainEvent[] {
  return (events ?? []).map((e) => ({ name: e.name, attributes: attributesToRecord(e.attributes) }))
}
