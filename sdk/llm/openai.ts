/**
 * OpenAI (openai@6): chat.completions.create and responses.create, plain and
 * streamed. Usage is keyed by the model the response names (e.g.
 * `gpt-4o-mini-2024-07-18`), not the alias requested, as cost tables need.
 */
import { state } from '../client'
import type { SpanRecord } from '../span'
import type { StreamReducer } from '../streams'
import { patchMethod, type LlmRecorder } from './trace'

type Json = Record<string, unknown>

const asObject = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {})
const asNumber = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

function recordModel(span: SpanRecord, model: unknown, requested: unknown): string {
  const name = typeof model === 'string' && model ? model : typeof requested === 'string' && requested ? requested : 'unknown'
  span.setAttribute('llm.response.model', name)
  return name
}

/** Appends to a bounded string: streamed text cannot grow the span without limit. */
function append(current: string, piece: unknown): string {
  return typeof piece === 'string' && current.length < state.limits.maxStringChars ? current + piece : current
}

interface ToolCall {
  id?: string
  type: string
  function: { name: string; arguments: string }
}
interface ChoiceState {
  role: string
  content: string
  refusal: string
  toolCalls: Map<number, ToolCall>
  finishReason: string | undefined
}

function chatStream(params: Json): StreamReducer {
  const choices = new Map<number, ChoiceState>()
  let model: unknown
  let usage: Json | undefined
  return {
    add(raw) {
      const chunk = asObject(raw)
      if (typeof chunk.model === 'string') model = chunk.model
      if (chunk.usage) usage = asObject(chunk.usage)
      for (const c of Array.isArray(chunk.choices) ? chunk.choices : []) {
        const choice = asObject(c)
        const index = asNumber(choice.index)
        let entry = choices.get(index)
        if (!entry) choices.set(index, (entry = { role: 'assistant', content: '', refusal: '', toolCalls: new Map(), finishReason: undefined }))
        const delta = asObject(choice.delta)
        if (typeof delta.role === 'string') entry.role = delta.role
        entry.content = append(entry.content, delta.content)
        entry.refusal = append(entry.refusal, delta.refusal)
        for (const t of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
          const call = asObject(t)
          const at = asNumber(call.index)
          let tool = entry.toolCalls.get(at)
          if (!tool) entry.toolCalls.set(at, (tool = { type: 'function', function: { name: '', arguments: '' } }))
          if (typeof call.id === 'string') tool.id = call.id
          const fn = asObject(call.function)
          tool.function.name = append(tool.function.name, fn.name)
          tool.function.arguments = append(tool.function.arguments, fn.arguments)
        }
        if (typeof choice.finish_reason === 'string') entry.finishReason = choice.finish_reason
      }
    },
    finish(span) {
      const name = recordModel(span, model, params.model)
      if (usage) span.addUsage(name, asNumber(usage.prompt_tokens), asNumber(usage.completion_tokens))
      const messages = [...choices.values()].map((c) => {
        const message: Json = { role: c.role, content: c.content || (c.toolCalls.size ? null : '') }
        if (c.refusal) message.refusal = c.refusal
        if (c.toolCalls.size) message.tool_calls = [...c.toolCalls.values()]
        if (c.finishReason) span.setAttribute('llm.finish_reason', c.finishReason)
        return message
      })
      return messages.length === 1 ? messages[0] : messages
    },
  }
}

/** chat.completions.create */
export const openaiChat: LlmRecorder = {
  name: 'openai.chat.completions.create',
  provider: 'openai',
  inputs: (params) => params,
  output(response, span) {
    const name = recordModel(span, response.model, undefined)
    const usage = asObject(response.usage)
    if (response.usage) span.addUsage(name, asNumber(usage.prompt_tokens), asNumber(usage.completion_tokens))
    const choices = (Array.isArray(response.choices) ? response.choices : []).map(asObject)
    const reason = choices[0]?.finish_reason
    if (typeof reason === 'string') span.setAttribute('llm.finish_reason', reason)
    return choices.length === 1 ? choices[0]!.message : choices.map((c) => c.message)
  },
  stream: chatStream,
}

function responseOutput(response: Json, span: SpanRecord, requested: unknown): unknown {
  const name = recordModel(span, response.model, requested)
  const usage = asObject(response.usage)
  if (response.usage) span.addUsage(name, asNumber(usage.input_tokens), asNumber(usage.output_tokens))
  return typeof response.output_text === 'string' && response.output_text ? response.output_text : response.output
}

/** responses.create */
export const openaiResponses: LlmRecorder = {
  name: 'openai.responses.create',
  provider: 'openai',
  inputs: (params) => params,
  output: (response, span) => responseOutput(response, span, undefined),
  stream(params) {
    let text = ''
    let final: Json | undefined
    return {
      add(raw) {
        const event = asObject(raw)
        if (event.type === 'response.output_text.delta') text = append(text, event.delta)
        else if (event.type === 'response.completed' || event.type === 'response.incomplete' || event.type === 'response.failed') final = asObject(event.response)
      },
      finish(span) {
        if (final) return responseOutput({ output_text: text, ...final }, span, params.model)
        recordModel(span, undefined, params.model)
        return text
      },
    }
  },
}

/** What a client (or a client class's prototype chain) exposes, loosely. */
type OpenAILike = { chat?: { completions?: unknown }; responses?: unknown }

/**
 * Traces one OpenAI client's chat.completions.create and responses.create
 * (returns the same client). Safe to combine with `instrument()` or to call twice.
 */
export function wrapOpenAI<T>(client: T): T {
  try {
    const c = client as OpenAILike
    patchMethod(c.chat?.completions, 'create', openaiChat)
    patchMethod(c.responses, 'create', openaiResponses)
  } catch {}
  return client
}

/** Patches the prototypes of an `openai` module (namespace, default export or CommonJS module); names what it patched. */
export function instrumentOpenAIModule(module: unknown): string[] {
  const patched: string[] = []
  const m = module as Record<string, unknown> | undefined
  for (const candidate of [m, m?.default, m?.OpenAI]) {
    const Client = candidate as { Chat?: { Completions?: { prototype?: unknown } }; Responses?: { prototype?: unknown } } | undefined
    if (!Client || (typeof Client !== 'function' && typeof Client !== 'object')) continue
    if (patchMethod(Client.Chat?.Completions?.prototype, 'create', openaiChat)) patched.push('openai.chat.completions.create')
    if (patchMethod(Client.Responses?.prototype, 'create', openaiResponses)) patched.push('openai.responses.create')
  }
  return patched
}
