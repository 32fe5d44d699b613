/**
 * Anthropic (@anthropic-ai/sdk 1.x): messages.create, plain and streamed.
 * `messages.stream()` and `messages.parse()` go through `create`, so they are
 * traced once too. Streamed usage: input tokens from message_start, output
 * tokens from the last message_delta (Anthropic reports them cumulatively).
 */
import { state } from '../client'
import type { SpanRecord } from '../span'
import { patchMethod, type LlmRecorder } from './trace'

type Json = Record<string, unknown>

const asObject = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {})
const asNumber = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

function record(span: SpanRecord, model: unknown, requested: unknown, usage: Json | undefined, stopReason: unknown): void {
  const name = typeof model === 'string' && model ? model : typeof requested === 'string' && requested ? requested : 'unknown'
  span.setAttribute('llm.response.model', name)
  if (typeof stopReason === 'string') span.setAttribute('llm.finish_reason', stopReason)
  if (usage) span.addUsage(name, asNumber(usage.input_tokens), asNumber(usage.output_tokens))
}

/** messages.create */
export const anthropicMessages: LlmRecorder = {
  name: 'anthropic.messages.create',
  provider: 'anthropic',
  inputs: (params) => params,
  output(response, span) {
    record(span, response.model, undefined, response.usage ? asObject(response.usage) : undefined, response.stop_reason)
    return { role: response.role ?? 'assistant', content: response.content }
  },
  stream(params) {
    const blocks: Json[] = []
    const partialJson = new Map<number, string>()
    let model: unknown
    let stopReason: unknown
    let inputTokens = 0
    let outputTokens = 0
    let sawUsage = false
    return {
      add(raw) {
        const event = asObject(raw)
        switch (event.type) {
          case 'message_start': {
            const message = asObject(event.message)
            model = message.model
            const usage = asObject(message.usage)
            if (message.usage) sawUsage = true
            inputTokens = asNumber(usage.input_tokens)
            outputTokens = asNumber(usage.output_tokens)
            break
          }
          case 'content_block_start':
            blocks[asNumber(event.index)] = { ...asObject(event.content_block) }
            break
          case 'content_block_delta': {
            const index = asNumber(event.index)
            const block = (blocks[index] ??= { type: 'text', text: '' })
            const delta = asObject(event.delta)
            if (delta.type === 'text_delta' && typeof delta.text === 'string' && String(block.text ?? '').length < state.limits.maxStringChars) block.text = String(block.text ?? '') + delta.text
            else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') partialJson.set(index, (partialJson.get(index) ?? '') + delta.partial_json)
            else if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') block.thinking = String(block.thinking ?? '') + delta.thinking
            break
          }
          case 'message_delta': {
            stopReason = asObject(event.delta).stop_reason ?? stopReason
            const usage = asObject(event.usage)
            if (typeof usage.output_tokens === 'number') {
              outputTokens = usage.output_tokens
              sawUsage = true
            }
            if (typeof usage.input_tokens === 'number' && usage.input_tokens > 0) inputTokens = usage.input_tokens
            break
          }
        }
      },
      finish(span) {
        for (const [index, json] of partialJson) {
          const block = blocks[index]
          if (!block) continue
          try {
            block.input = JSON.parse(json)
          } catch {
            block.input = json
          }
        }
        record(span, model, params.model, sawUsage ? { input_tokens: inputTokens, output_tokens: outputTokens } : undefined, stopReason)
        return { role: 'assistant', content: blocks.filter(Boolean) }
      },
    }
  },
}

/** Traces one Anthropic client's messages.create (returns the same client). Safe with `instrument()` or twice. */
export function wrapAnthropic<T>(client: T): T {
  try {
    patchMethod((client as { messages?: unknown }).messages, 'create', anthropicMessages)
  } catch {}
  return client
}

/** Patches the prototypes of an `@anthropic-ai/sdk` module; names what it patched. */
export function instrumentAnthropicModule(module: unknown): string[] {
  const patched: string[] = []
  const m = module as Record<string, unknown> | undefined
  for (const candidate of [m, m?.default, m?.Anthropic]) {
    const Client = candidate as { Messages?: { prototype?: unknown } } | undefined
    if (!Client || (typeof Client !== 'function' && typeof Client !== 'object')) continue
    if (patchMethod(Client.Messages?.prototype, 'create', anthropicMessages)) patched.push('anthropic.messages.create')
  }
  return patched
}
