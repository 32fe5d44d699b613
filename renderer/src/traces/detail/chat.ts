/**
 * Recognises chat messages in a span payload — OpenAI chat, Anthropic messages,
 * OpenTelemetry GenAI parts, Weft's rendered prompts and model outputs — and
 * normalises them into one shape the conversation view renders.
 */

/** One piece of a message. */
export type ChatPart =
  | { kind: 'text'; text: string; label?: string }
  | { kind: 'toolCall'; name: string; id?: string; arguments: unknown }
  | { kind: 'toolResult'; id?: string; content: unknown; isError?: boolean }
  | { kind: 'data'; value: unknown }

/** One message of a conversation, whatever format it came in. */
export interface ChatMessage {
  role: string
  name?: string
  parts: ChatPart[]
}

/** A payload read as a conversation. */
export interface Conversation {
  messages: ChatMessage[]
  finishReason?: string
}

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const isMessage = (v: unknown): v is Obj => isObj(v) && typeof v.role === 'string' && v.role.length > 0 && v.role.length < 64

/** Tool-call arguments arrive as JSON text (OpenAI) or objects (Anthropic, OTel): objects are easier to read. */
function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args
  try {
    return JSON.parse(args) as unknown
  } catch {
    return args
  }
}

/** A content part of any of the supported formats. */
function readPart(part: unknown): ChatPart {
  if (typeof part === 'string') return { kind: 'text', text: part }
  if (!isObj(part)) return { kind: 'data', value: part }
  // OpenInference wraps each content part: contents[i].message_content.{type,text}.
  if (isObj(part.message_content)) return readPart(part.message_content)
  switch (part.type) {
    case 'text':
    case 'input_text':
    case 'output_text': {
      const text = str(part.text) ?? str(part.content)
      if (text !== undefined) return { kind: 'text', text }
      break
    }
    case 'thinking':
    case 'reasoning': {
      const text = str(part.thinking) ?? str(part.content) ?? str(part.text)
      if (text !== undefined) return { kind: 'text', text, label: 'thinking' }
      break
    }
    case 'refusal':
      if (typeof part.refusal === 'string') return { kind: 'text', text: part.refusal, label: 'refusal' }
      break
    case 'tool_use':
      return { kind: 'toolCall', name: str(part.name) ?? '?', id: str(part.id), arguments: part.input }
    case 'tool_call':
      return { kind: 'toolCall', name: str(part.name) ?? '?', id: str(part.id), arguments: parseArguments(part.arguments) }
    case 'tool_result':
      return { kind: 'toolResult', id: str(part.tool_use_id), content: flattenText(part.content), isError: part.is_error === true }
    case 'tool_call_response':
      return { kind: 'toolResult', id: str(part.id), content: part.response }
  }
  return { kind: 'data', value: part }
}

/** Tool results made only of text blocks read as text. */
function flattenText(content: unknown): unknown {
  if (!Array.isArray(content) || content.length === 0) return content
  const texts = content.map((c) => (isObj(c) && c.type === 'text' ? str(c.text) : undefined))
  return texts.every((t) => t !== undefined) ? texts.join('\n') : content
}

function readContent(content: unknown): ChatPart[] {
  if (content === undefined || content === null || content === '') return []
  if (Array.isArray(content)) return content.map(readPart)
  return [readPart(content)]
}

/** One message of any supported format. */
function readMessage(m: Obj): ChatMessage {
  const role = m.role as string
  const name = str(m.name)
  const parts = readContent(m.parts ?? m.content ?? m.contents)
  if (role === 'tool' || role === 'function') {
    // OpenAI tool results: the whole content is the result of tool_call_id.
    const text = parts.every((p) => p.kind === 'text') ? parts.map((p) => (p as { text: string }).text).join('\n') : m.content
    if (parts.length > 0 && !parts.some((p) => p.kind === 'toolResult')) {
      return { role, name, parts: [{ kind: 'toolResult', id: str(m.tool_call_id) ?? str(m.id) ?? name, content: text }] }
    }
  }
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls) {
      const fn = isObj(call) && isObj(call.function) ? call.function : isObj(call) ? call : {}
      parts.push({ kind: 'toolCall', name: str(fn.name) ?? '?', id: isObj(call) ? str(call.id) : undefined, arguments: parseArguments(fn.arguments) })
    }
  }
  if (isObj(m.function_call)) {
    parts.push({ kind: 'toolCall', name: str(m.function_call.name) ?? '?', arguments: parseArguments(m.function_call.arguments) })
  }
  return { role, name, parts }
}

/** A message itself, or the message inside a choice (OpenAI choices, OTel gen_ai.choice events). */
function messageOf(v: unknown): Obj | null {
  if (isMessage(v)) return v
  return isObj(v) && isMessage(v.message) ? v.message : null
}

/** A list whose every entry is a message (or choice); the last finish reason said along the way. */
function readMessages(list: unknown, allowEmpty = false): Conversation | null {
  if (!Array.isArray(list) || (list.length === 0 && !allowEmpty)) return null
  const found = list.map(messageOf)
  if (!found.every((m) => m !== null)) return null
  let finishReason: string | undefined
  for (const entry of list as Obj[]) finishReason = str(entry.finish_reason) ?? str(entry.stop_reason) ?? finishReason
  return { messages: found.map(readMessage), finishReason }
}

/** Anthropic's top-level `system` (text or text blocks) and OTel's system instructions as a first message. */
function systemMessage(system: unknown): ChatMessage[] {
  const parts = readContent(system)
  return parts.length > 0 ? [{ role: 'system', parts }] : []
}

/** A model output: Weft's {text|output, toolCalls, finishReason}. */
function readModelOutput(v: Obj): Conversation | null {
  const text = str(v.text) ?? str(v.output)
  if (text === undefined || !Array.isArray(v.toolCalls)) return null
  const parts: ChatPart[] = text ? [{ kind: 'text', text }] : []
  for (const call of v.toolCalls) {
    if (isObj(call)) parts.push({ kind: 'toolCall', name: str(call.name) ?? '?', id: str(call.id), arguments: parseArguments(call.arguments) })
  }
  return { messages: [{ role: 'assistant', parts }], finishReason: str(v.finishReason) }
}

/** The payload as a conversation, or null when it is not chat messages. */
export function toConversation(value: unknown): Conversation | null {
  const list = readMessages(value)
  if (list) return list
  if (!isObj(value)) return null
  if (isMessage(value) && ('content' in value || 'parts' in value || 'contents' in value || 'tool_calls' in value)) {
    const finishReason = str(value.stop_reason) ?? str(value.finish_reason)
    return { messages: [readMessage(value)], finishReason }
  }
  const system = systemMessage(value.system ?? value.system_instructions)
  // A request may carry only system instructions (OTel ingest stores { system, messages: [] }).
  const messages = readMessages(value.messages, system.length > 0)
  if (messages) return { ...messages, messages: [...system, ...messages.messages] }
  const choices = readMessages(value.choices)
  if (choices) return choices
  return readModelOutput(value)
}

/** The visual family of a role: OpenAI's assistant and Gemini/Weft's model read the same. */
export function roleFamily(role: string): 'system' | 'user' | 'assistant' | 'tool' | 'other' {
  const r = role.toLowerCase()
  if (r === 'system' || r === 'developer') return 'system'
  if (r === 'user' || r === 'human') return 'user'
  if (r === 'assistant' || r === 'model' || r === 'ai') return 'assistant'
  if (r === 'tool' || r === 'function' || r === 'ipython') return 'tool'
  return 'other'
}
