/**
 * Our provider request → Anthropic's Messages body: system turns lifted to the
 * top-level `system`, tool answers as tool_result blocks, parameters checked.
 * Pure mapping with no I/O; split from anthropic.ts, which does the transport.
 */
import type Anthropic from '@anthropic-ai/sdk'
import { z } from 'zod'
import type { ChatMessage, ProviderRequest, ProviderResponse } from './types'

/** Anthropic requires max_tokens; used when the model config sets none. */
export const DEFAULT_MAX_TOKENS = 1024

// Only the parameters Anthropic understands; others (e.g. OpenAI's frequency_penalty) are ignored
// so one model config can be tried against several vendors.
const ParametersSchema = z.object({
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
})

// Anthropic has no JSON mode for every model, and prefilling `{` is refused by newer models and
// clashes with tool use, so JSON output is asked for in the system prompt.
const JSON_INSTRUCTION = 'Respond with a single valid JSON value only: no prose, no Markdown code fences.'

/** The body of a Messages request, without `stream` (the caller sets it). */
export type AnthropicBody = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'>

/** Maps our request to Anthropic's body, or says why it cannot be sent. */
export function buildBody(request: ProviderRequest): AnthropicBody | NonNullable<ProviderResponse['error']> {
  const parameters = ParametersSchema.safeParse(request.parameters ?? {})
  if (!parameters.success) return { code: 'invalid_request', message: `Invalid parameters: ${z.prettifyError(parameters.error)}` }
  const { max_tokens, temperature, top_p, top_k, stop } = parameters.data
  const systemParts = request.messages.filter((m) => m.role === 'system').map((m) => m.content)
  if (request.responseFormat?.type === 'json') {
    const schema = request.responseFormat.schema
    systemParts.push(schema ? `${JSON_INSTRUCTION} It must match this JSON Schema: ${JSON.stringify(schema)}` : JSON_INSTRUCTION)
  }
  const system = systemParts.filter((s) => s.length > 0).join('\n\n')
  return {
    model: request.model,
    max_tokens: max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: toAnthropicMessages(request.messages),
    ...(system ? { system } : {}),
    ...(temperature === undefined ? {} : { temperature }),
    ...(top_p === undefined ? {} : { top_p }),
    ...(top_k === undefined ? {} : { top_k }),
    ...(stop === undefined ? {} : { stop_sequences: typeof stop === 'string' ? [stop] : stop }),
    ...(request.tools?.length
      ? { tools: request.tools.map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), input_schema: t.parameters as Anthropic.Tool.InputSchema })) }
      : {}),
  }
}

/**
 * Our chat turns → Anthropic's: system turns are lifted out (see buildBody), tool answers become
 * user turns of tool_result blocks, and consecutive same-role turns merge, because Anthropic wants
 * user and assistant to alternate and all results of one assistant turn in the next user turn.
 */
export function toAnthropicMessages(messages: ChatMessage[]): Anthropic.MessageParam[] {
  const turns: { role: 'user' | 'assistant'; content: Anthropic.ContentBlockParam[] }[] = []
  for (const message of messages) {
    if (message.role === 'system') continue
    const role = message.role === 'assistant' ? 'assistant' : 'user'
    const blocks: Anthropic.ContentBlockParam[] = []
    if (message.role === 'tool') {
      blocks.push({ type: 'tool_result', tool_use_id: message.toolCallId ?? '', content: message.content })
    } else {
      // Anthropic rejects empty text blocks (e.g. an assistant turn that only calls tools).
      if (message.content) blocks.push({ type: 'text', text: message.content })
      for (const call of message.toolCalls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: toToolInput(call.arguments) })
    }
    const last = turns.at(-1)
    if (last?.role === role) last.content.push(...blocks)
    else turns.push({ role, content: blocks })
  }
  return turns
}

/** tool_use input must be an object; raw text that was not JSON is kept rather than dropped. */
function toToolInput(args: unknown): Record<string, unknown> {
  return typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : { value: args }
}
