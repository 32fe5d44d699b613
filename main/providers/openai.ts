/**
 * OpenAI chat completions for api.openai.com and any OpenAI-compatible base
 * URL (Ollama, vLLM, LM Studio, llama.cpp, OpenRouter): streams through the
 * official SDK, single answers by a direct JSON POST (jsonPost.ts).
 * The SDK's retries are off: registry.ts applies the one retry policy. Every
 * failure comes back as a value in `error`, never thrown.
 */
import type OpenAI from 'openai'
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import { once } from '../../common/once'
import { HttpAbortError, HttpStatusError, postJson } from './jsonPost'
import { parseRetryAfter } from './resilience'
import { keyNameFor, redactText } from './secrets'
import type { CallOptions, ChatMessage, Provider, ProviderRequest, ProviderResponse, SecretSource, StreamEvent, ToolCall } from './types'

/** What the OpenAI provider needs. */
export interface OpenAIProviderOptions {
  secrets: SecretSource
  /** `openai` (default base URL) or `openai-compatible` (baseUrl required, key optional). */
  id?: 'openai' | 'openai-compatible'
  /** For tests and proxies. */
  fetch?: typeof fetch
}

type ErrorInfo = NonNullable<ProviderResponse['error']>
type OpenAIClass = typeof OpenAI

// Imported on first request, not at start-up: the SDK costs ~50 ms to load, and
// commands that never call a vendor (a fully cached evaluation, `weft --version`) skip it.
const loadOpenAI = once(() => import('openai'))

// Body fields the request shape owns; a parameter of the same name must not override them.
const RESERVED = new Set(['model', 'messages', 'stream', 'stream_options', 'tools', 'response_format', 'reply'])

function toOpenAIMessage(m: ChatMessage): ChatCompletionMessageParam {
  if (m.role === 'tool') return { role: 'tool', content: m.content, tool_call_id: m.toolCallId ?? '' }
  if (m.role === 'assistant' && m.toolCalls?.length) {
    const calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } }))
    return { role: 'assistant', content: m.content || null, tool_calls: calls }
  }
  return { role: m.role, content: m.content }
}

/** The chat-completions body for a request (exported for tests). */
export function toOpenAIBody(request: ProviderRequest): ChatCompletionCreateParamsNonStreaming {
  const params = Object.fromEntries(Object.entries(request.parameters ?? {}).filter(([k]) => !RESERVED.has(k)))
  const body: Record<string, unknown> = { ...params, model: request.model, messages: request.messages.map(toOpenAIMessage) }
  if (request.tools?.length) body.tools = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }))
  const format = request.responseFormat
  if (format?.type === 'json') body.response_format = format.schema ? { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } } : { type: 'json_object' }
  return body as unknown as ChatCompletionCreateParamsNonStreaming
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text // the type says: raw text when it is not JSON
  }
}

function finishReasonOf(reason: string | null | undefined): ProviderResponse['finishReason'] {
  return reason === 'stop' || reason === 'length' || reason === 'tool_calls' || reason === 'content_filter' ? reason : reason === 'function_call' ? 'tool_calls' : 'other'
}

/** A thrown SDK/network error as an error value; the key is masked out of the message. */
function errorOf(error: unknown, apiKey: string | undefined, now: number, OpenAI: OpenAIClass): ErrorInfo {
  const secrets = apiKey ? [apiKey] : []
  const message = redactText(error instanceof Error ? error.message : String(error), secrets)
  if (error instanceof OpenAI.APIUserAbortError) return { code: 'cancelled', message: 'Cancelled' }
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { code: 'timeout', message }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const status = error.status
    const retryAfterMs = parseRetryAfter(error.headers?.get('retry-after'), now)
    const code: ErrorInfo['code'] = status === 401 || status === 403 ? 'auth' : status === 429 ? 'rate_limit' : status === 408 ? 'timeout' : status >= 500 ? 'server' : 'invalid_request'
    return retryAfterMs === undefined ? { code, message, status } : { code, message, status, retryAfterMs }
  }
  if (error instanceof SyntaxError) return { code: 'bad_response', message: `Malformed response: ${message}` }
  if (error instanceof Error && error.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled' }
  return { code: 'network', message }
}

/** A direct POST's error as an error value, with the same codes as the SDK's (the key masked out). */
function postErrorOf(error: unknown, apiKey: string | undefined, now: number): ErrorInfo {
  const message = redactText(error instanceof Error ? error.message : String(error), apiKey ? [apiKey] : [])
  if (error instanceof HttpAbortError) return { code: 'cancelled', message: 'Cancelled' }
  if (error instanceof HttpStatusError) {
    const status = error.status
    const header = error.headers['retry-after']
    const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, now)
    const code: ErrorInfo['code'] = status === 401 || status === 403 ? 'auth' : status === 429 ? 'rate_limit' : status === 408 ? 'timeout' : status >= 500 ? 'server' : 'invalid_request'
    return retryAfterMs === undefined ? { code, message, status } : { code, message, status, retryAfterMs }
  }
  if (error instanceof SyntaxError) return { code: 'bad_response', message: `Malformed response: ${message}` }
  return { code: 'network', message }
}

/** A chat completion as a provider response; one without a choice is a bad response. */
function fromCompletion(completion: Partial<ChatCompletion> | null | undefined, started: number): ProviderResponse {
  const choice = completion?.choices?.[0]
  if (!choice?.message) return failure({ code: 'bad_response', message: 'The response has no choices' }, started)
  const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: parseArguments(c.function.arguments) }] : []))
  const usage = completion?.usage ? { inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens } : null
  return { output: choice.message.content ?? '', toolCalls, finishReason: finishReasonOf(choice.finish_reason), usage, costUsd: null, latencyMs: Date.now() - started, cached: false, error: null }
}

function failure(error: ErrorInfo, started: number, partial: Partial<ProviderResponse> = {}): ProviderResponse {
  return { output: '', toolCalls: [], usage: null, costUsd: null, cached: false, ...partial, latencyMs: Date.now() - started, finishReason: error.code === 'cancelled' ? 'cancelled' : 'error', error }
}

/** The OpenAI / OpenAI-compatible provider. */
export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const id = options.id ?? 'openai'
  const clients = new Map<string, OpenAI>()

  async function clientFor(request: ProviderRequest): Promise<{ client: OpenAI; apiKey?: string; OpenAI: OpenAIClass } | ErrorInfo> {
    if (id === 'openai-compatible' && !request.baseUrl) return { code: 'invalid_request', message: 'openai-compatible needs a base_url in the model config' }
    const keyName = keyNameFor('openai', request.apiKeyEnv)
    const apiKey = keyName ? await options.secrets(keyName) : undefined
    // Local OpenAI-compatible servers take no key; the SDK insists on one, so a placeholder it is.
    if (!apiKey && id === 'openai') return { code: 'auth', message: `No API key: set ${keyName}` }
    const { default: OpenAI } = await loadOpenAI()
    const cacheId = `${request.baseUrl ?? ''}\0${apiKey ?? ''}`
    let client = clients.get(cacheId)
    if (!client) {
      client = new OpenAI({ apiKey: apiKey ?? 'not-needed', baseURL: request.baseUrl, maxRetries: 0, timeout: 24 * 3600_000, fetch: options.fetch })
      clients.set(cacheId, client)
    }
    return { client, apiKey, OpenAI }
  }

  async function callThroughSdk(request: ProviderRequest, callOptions: CallOptions | undefined, started: number): Promise<ProviderResponse> {
    const resolved = await clientFor(request)
    if (!('client' in resolved)) return failure(resolved, started)
    try {
      return fromCompletion(await resolved.client.chat.completions.create(toOpenAIBody(request), { signal: callOptions?.signal, maxRetries: 0 }), started)
    } catch (error) {
      return failure(errorOf(error, resolved.apiKey, Date.now(), resolved.OpenAI), started)
    }
  }

  return {
    id,
    async call(request, callOptions) {
      const started = Date.now()
      // Tests and proxies that hand in their own fetch go through the SDK; everything else posts directly (see jsonPost.ts: ~4× less CPU a call).
      if (options.fetch) return callThroughSdk(request, callOptions, started)
      if (id === 'openai-compatible' && !request.baseUrl) return failure({ code: 'invalid_request', message: 'openai-compatible needs a base_url in the model config' }, started)
      const keyName = keyNameFor('openai', request.apiKeyEnv)
      const apiKey = keyName ? await options.secrets(keyName) : undefined
      if (!apiKey && id === 'openai') return failure({ code: 'auth', message: `No API key: set ${keyName}` }, started)
      // Local OpenAI-compatible servers take no key; some insist on the header, so a placeholder (as the SDK sends).
      const url = `${(request.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '')}/chat/completions`
      try {
        const completion = (await postJson(url, { authorization: `Bearer ${apiKey ?? 'not-needed'}` }, toOpenAIBody(request), callOptions?.signal)) as Partial<ChatCompletion> | null
        return fromCompletion(completion, started)
      } catch (error) {
        return failure(postErrorOf(error, apiKey, Date.now()), started)
      }
    },

    async *stream(request, callOptions): AsyncIterable<StreamEvent> {
      const started = Date.now()
      const resolved = await clientFor(request)
      if (!('client' in resolved)) {
        yield { type: 'done', response: failure(resolved, started) }
        return
      }
      let output = ''
      let firstTokenMs: number | undefined
      let usage: ProviderResponse['usage'] = null
      let finishReason: ProviderResponse['finishReason'] = 'other'
      // Tool calls arrive as fragments keyed by index; they are emitted whole once complete.
      const pending = new Map<number, { id: string; name: string; args: string }>()
      const toolCalls: ToolCall[] = []
      const flushToolCalls = function* (): Generator<StreamEvent> {
        for (const [, p] of [...pending].sort(([a], [b]) => a - b)) {
          const call = { id: p.id, name: p.name, arguments: parseArguments(p.args) }
          toolCalls.push(call)
          yield { type: 'tool_call', call }
        }
        pending.clear()
      }
      try {
        const body = { ...toOpenAIBody(request), stream: true as const, stream_options: { include_usage: true } }
        const chunks = await resolved.client.chat.completions.create(body, { signal: callOptions?.signal, maxRetries: 0 })
        for await (const chunk of chunks as AsyncIterable<ChatCompletionChunk>) {
          if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens }
          const choice = chunk.choices?.[0]
          if (!choice) continue
          const text = choice.delta?.content
          if (text) {
            firstTokenMs ??= Date.now() - started
            output += text
            yield { type: 'text', text }
          }
          for (const d of choice.delta?.tool_calls ?? []) {
            firstTokenMs ??= Date.now() - started
            const p = pending.get(d.index) ?? { id: '', name: '', args: '' }
            p.id ||= d.id ?? ''
            p.name ||= d.function?.name ?? ''
            p.args += d.function?.arguments ?? ''
            pending.set(d.index, p)
          }
          if (choice.finish_reason) {
            finishReason = finishReasonOf(choice.finish_reason)
            yield* flushToolCalls()
          }
        }
        yield* flushToolCalls()
        yield { type: 'done', response: { output, toolCalls, finishReason, usage, costUsd: null, latencyMs: Date.now() - started, firstTokenMs, cached: false, error: null } }
      } catch (error) {
        // Keep what arrived: a dropped stream's partial text is still worth showing.
        yield { type: 'done', response: failure(errorOf(error, resolved.apiKey, Date.now(), resolved.OpenAI), started, { output, toolCalls, usage, firstTokenMs }) }
      }
    },
  }
}
