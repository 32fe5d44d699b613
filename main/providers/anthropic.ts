/**
 * Anthropic Messages API through the official SDK, normalised to the one
 * Provider shape. The SDK's retries are off (maxRetries: 0): the registry
 * applies one retry policy to every provider, and retrying here too would
 * multiply attempts. Failures come back as values, never as throws.
 */
import type Anthropic from '@anthropic-ai/sdk'
import { z } from 'zod'
import { once } from '../../common/once'
import { buildBody, type AnthropicBody } from './anthropicRequest'
import type { CallOptions, Provider, ProviderRequest, ProviderResponse, SecretSource, StreamEvent, ToolCall, Usage } from './types'

/** A provider error; `retryAfterMs` (rate limits) is what the registry's retry policy waits for. */
export type AnthropicProviderError = NonNullable<ProviderResponse['error']> & { retryAfterMs?: number }

/** Options for {@link createAnthropicProvider}. */
export interface AnthropicProviderOptions {
  /** A fixed key; used when `secrets` is absent. */
  apiKey?: string | undefined
  /** The registry's key store, asked per request for the model config's api_key_env, else ANTHROPIC_API_KEY. */
  secrets?: SecretSource
  /** Default endpoint; a request's own baseUrl (a gateway or proxy) wins. */
  baseUrl?: string
  /** Replaces the transport (tests, proxies). */
  fetch?: typeof fetch
}

// The fields we read from a non-streamed answer; anything else is a bad_response, not a crash.
const MessageSchema = z.object({
  content: z.array(z.looseObject({ type: z.string() })),
  stop_reason: z.string().nullable(),
  usage: z.looseObject({ input_tokens: z.number(), output_tokens: z.number() }),
})

// Imported on first request, not at start-up: the SDK costs ~120 ms to load, the most of any
// dependency, and commands that never call Anthropic (`weft --version`, a cached evaluation) skip it.
const loadAnthropicSdk = once(() => import('@anthropic-ai/sdk'))
type AnthropicSdk = Awaited<ReturnType<typeof loadAnthropicSdk>>

interface Prepared {
  client: Anthropic
  body: AnthropicBody
  scrub: (text: string) => string
}

/** Creates the `anthropic` provider. */
export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const clients = new Map<string, Anthropic>()
  // Set once the SDK has loaded; toProviderError needs its error classes, and none can be thrown before.
  let sdk: AnthropicSdk | undefined
  const loadSdk = async () => (sdk = await loadAnthropicSdk())

  /** The key, a client for it and the body, or why the request cannot be sent. */
  async function prepare(request: ProviderRequest): Promise<Prepared | AnthropicProviderError> {
    const keyName = request.apiKeyEnv ?? 'ANTHROPIC_API_KEY'
    const apiKey = options.secrets ? await options.secrets(keyName) : options.apiKey
    if (!apiKey) return { code: 'auth', message: `No Anthropic API key: set ${keyName}` }
    const body = buildBody(request)
    if ('code' in body) return body
    const { default: Anthropic } = await loadSdk()
    // Explicit, so ANTHROPIC_BASE_URL in the environment never redirects a keyed request.
    const baseURL = request.baseUrl ?? options.baseUrl ?? 'https://api.anthropic.com'
    const cacheId = `${baseURL}\0${apiKey}`
    let client = clients.get(cacheId)
    if (!client) {
      // logLevel off: the SDK's debug log prints prompts and headers; our errors are values instead.
      client = new Anthropic({ apiKey, baseURL, maxRetries: 0, logLevel: 'off', ...(options.fetch ? { fetch: options.fetch } : {}) })
      clients.set(cacheId, client)
    }
    return { client, body, scrub: (text) => text.split(apiKey).join('[redacted]') }
  }

  return {
    id: 'anthropic',
    async call(request, callOptions = {}) {
      const started = performance.now()
      const attempt = startAttempt(callOptions)
      let scrub = (text: string) => text
      try {
        const prepared = await prepare(request)
        if ('code' in prepared) return failure(started, prepared)
        scrub = prepared.scrub
        const raw: unknown = await prepared.client.messages.create({ ...prepared.body, stream: false }, attempt.requestOptions)
        const parsed = MessageSchema.safeParse(raw)
        if (!parsed.success) return failure(started, { code: 'bad_response', message: 'Anthropic answer has an unexpected shape' })
        const { content, stop_reason, usage } = parsed.data
        const output = content.flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])).join('')
        const toolCalls = content.flatMap((b) => (b.type === 'tool_use' ? [{ id: String(b.id), name: String(b.name), arguments: b.input }] : []))
        return {
          ...emptyResponse(started),
          output,
          toolCalls,
          finishReason: mapStopReason(stop_reason),
          usage: { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens },
        }
      } catch (error) {
        return failure(started, toProviderError(error, attempt, scrub, sdk))
      } finally {
        attempt.dispose()
      }
    },

    async *stream(request, callOptions = {}): AsyncIterable<StreamEvent> {
      const started = performance.now()
      const attempt = startAttempt(callOptions)
      let output = ''
      const toolCalls: ToolCall[] = []
      let usage = null as Usage | null
      let stopReason: string | null = null
      let firstTokenMs: number | undefined
      let finished = false
      const partial = () => ({ output, toolCalls, usage, ...(firstTokenMs === undefined ? {} : { firstTokenMs }) })
      let scrub = (text: string) => text
      try {
        const prepared = await prepare(request)
        if ('code' in prepared) return yield { type: 'done', response: failure(started, prepared) }
        scrub = prepared.scrub
        const events = await prepared.client.messages.create({ ...prepared.body, stream: true }, attempt.requestOptions)
        // Tool input arrives as JSON text in pieces; it is parsed once its block stops.
        const tools = new Map<number, { id: string; name: string; json: string }>()
        for await (const event of events) {
          if (event.type === 'message_start') {
            usage = { inputTokens: event.message.usage.input_tokens, outputTokens: event.message.usage.output_tokens }
          } else if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
            tools.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' })
          } else if (event.type === 'content_block_delta') {
            firstTokenMs ??= performance.now() - started
            if (event.delta.type === 'text_delta') {
              output += event.delta.text
              yield { type: 'text', text: event.delta.text }
            } else if (event.delta.type === 'input_json_delta') {
              const tool = tools.get(event.index)
              if (tool) tool.json += event.delta.partial_json
            }
          } else if (event.type === 'content_block_stop') {
            const tool = tools.get(event.index)
            if (tool) {
              const call = { id: tool.id, name: tool.name, arguments: parseToolInput(tool.json) }
              toolCalls.push(call)
              yield { type: 'tool_call', call }
            }
          } else if (event.type === 'message_delta') {
            stopReason = event.delta.stop_reason
            // message_delta carries cumulative counts; input_tokens only on some API versions.
            usage = { inputTokens: event.usage.input_tokens ?? usage?.inputTokens ?? 0, outputTokens: event.usage.output_tokens }
          } else if (event.type === 'message_stop') {
            finished = true
          }
        }
        // The SDK ends an aborted stream quietly, and a cut connection may end it without an error:
        // only message_stop proves the answer is complete.
        if (!finished) {
          const { APIConnectionError, APIUserAbortError } = await loadSdk()
          throw attempt.signal.aborted ? new APIUserAbortError() : new APIConnectionError({ message: 'Stream ended before message_stop' })
        }
        yield { type: 'done', response: { ...emptyResponse(started), ...partial(), finishReason: mapStopReason(stopReason) } }
      } catch (error) {
        const response = failure(started, toProviderError(error, attempt, scrub, sdk))
        yield { type: 'done', response: { ...response, ...partial() } }
      } finally {
        attempt.dispose()
      }
    },
  }
}

function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {} // a tool without parameters streams no input_json_delta
  try {
    return JSON.parse(json)
  } catch {
    return json
  }
}

const FINISH_REASONS: Record<string, ProviderResponse['finishReason']> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
}

// pause_turn, a missing reason or one newer than this code: 'other', not a guess.
const mapStopReason = (reason: string | null) => (reason && FINISH_REASONS[reason]) || 'other'

interface Attempt {
  signal: AbortSignal
  requestOptions: { signal: AbortSignal; timeout?: number }
  timedOut(): boolean
  cancelled(): boolean
  dispose(): void
}

/**
 * One attempt's signal: the caller's cancel plus our own timer. The SDK's timeout only covers
 * fetch up to the headers, so our timer also bounds reading a slow body or stream.
 */
function startAttempt({ signal, timeoutMs }: CallOptions): Attempt {
  const controller = new AbortController()
  let timedOut = false
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs)
  const onCancel = () => controller.abort()
  signal?.addEventListener('abort', onCancel, { once: true })
  if (signal?.aborted) controller.abort()
  return {
    signal: controller.signal,
    // The SDK insists on a positive integer; it throws (not returns) on anything else.
    requestOptions: { signal: controller.signal, ...(timeoutMs === undefined ? {} : { timeout: Math.max(1, Math.ceil(timeoutMs)) }) },
    timedOut: () => timedOut,
    cancelled: () => signal?.aborted === true,
    dispose: () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onCancel)
    },
  }
}

/** Sorts any failure into our error codes; the key is scrubbed from every message. */
function toProviderError(error: unknown, attempt: Attempt, scrub: (text: string) => string, sdk: AnthropicSdk | undefined): AnthropicProviderError {
  const message = scrub(error instanceof Error ? error.message : String(error))
  // Our own signals first: after an abort the SDK only knows "aborted", not why.
  if (attempt.cancelled()) return { code: 'cancelled', message: 'Cancelled' }
  if (attempt.timedOut()) return { code: 'timeout', message: 'Anthropic did not answer in time' }
  // Without the SDK loaded, nothing below can match: the error came from before any request.
  if (!sdk) return otherError(error, message)
  const { AnthropicError, APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = sdk
  if (error instanceof APIConnectionTimeoutError) return { code: 'timeout', message: 'Anthropic did not answer in time' }
  if (error instanceof APIUserAbortError) return { code: 'cancelled', message: 'Cancelled' }
  if (error instanceof APIConnectionError) return { code: 'network', message: `Could not reach Anthropic: ${message}` }
  if (error instanceof APIError) {
    // The server's own words ("Overloaded") read better than the SDK's "529 {json}".
    const apiMessage = scrub(error.apiMessage ?? error.message)
    const status = error.status
    const type = error.type ?? ''
    const withStatus = status === undefined ? {} : { status }
    if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') return { code: 'auth', message: apiMessage, ...withStatus }
    if (status === 429 || type === 'rate_limit_error') {
      const retryAfterMs = readRetryAfterMs(error.headers)
      const hint = retryAfterMs === undefined ? '' : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`
      return { code: 'rate_limit', message: `${apiMessage}${hint}`, ...withStatus, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
    }
    if ((status !== undefined && status >= 500) || type === 'overloaded_error' || type === 'api_error') return { code: 'server', message: apiMessage, ...withStatus }
    if (status === 408 || type === 'timeout_error') return { code: 'timeout', message: apiMessage, ...withStatus }
    return { code: 'invalid_request', message: apiMessage, ...withStatus }
  }
  // The SDK's own checks on a request (e.g. "streaming is required" for huge max_tokens).
  if (error instanceof AnthropicError) return { code: 'invalid_request', message }
  return otherError(error, message)
}

/** A failure that is not the SDK's own. */
function otherError(error: unknown, message: string): AnthropicProviderError {
  if (error instanceof SyntaxError) return { code: 'bad_response', message: `Anthropic sent unreadable data: ${message}` }
  // undici reports a socket closed mid-body as a bare TypeError ("terminated").
  if (error instanceof TypeError) return { code: 'network', message: `Connection to Anthropic failed: ${message}` }
  return { code: 'bad_response', message }
}

/** retry-after-ms, else retry-after in seconds or as an HTTP date, as the SDK itself reads them. */
function readRetryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '')
  if (Number.isFinite(ms)) return ms
  const value = headers?.get('retry-after')
  if (!value) return undefined
  const seconds = Number.parseFloat(value)
  if (Number.isFinite(seconds)) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function emptyResponse(started: number): ProviderResponse {
  return { output: '', toolCalls: [], finishReason: 'other', usage: null, costUsd: null, latencyMs: performance.now() - started, cached: false, error: null }
}

function failure(started: number, error: AnthropicProviderError): ProviderResponse {
  return { ...emptyResponse(started), finishReason: error.code === 'cancelled' ? 'cancelled' : 'error', error }
}
