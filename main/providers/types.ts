/**
 * The one shape every LLM provider has: `call(request, { signal })` → a
 * normalised response, plus `stream` for tokens as they come. Providers are
 * one file per vendor, registered in registry.ts, tested against local fake
 * servers (never the network).
 */

/** One chat message. `tool` messages answer a tool call by id. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string
  /** Assistant messages may carry tool calls. */
  toolCalls?: ToolCall[]
  /** For role `tool`: which call this answers. */
  toolCallId?: string
}

/** A tool the model may call (JSON Schema parameters). */
export interface ToolDefinition {
  name: string
  description?: string
  parameters: Record<string, unknown>
}

/** A tool call the model made. `arguments` is the parsed JSON (or the raw text when it is not JSON). */
export interface ToolCall {
  id: string
  name: string
  arguments: unknown
}

/** What to ask a model. Parameters come from the model config (temperature, max_tokens, …). */
export interface ProviderRequest {
  /** Provider id from the model config: openai, openai-compatible, anthropic, echo, … */
  provider: string
  model: string
  messages: ChatMessage[]
  parameters?: Record<string, unknown>
  tools?: ToolDefinition[]
  /** Ask for JSON output; with a schema when the provider supports structured output. */
  responseFormat?: { type: 'text' } | { type: 'json'; schema?: Record<string, unknown> }
  /** OpenAI-compatible servers (Ollama, vLLM, LM Studio, llama.cpp, OpenRouter). */
  baseUrl?: string
  /** Env var holding the key, from the model config's `api_key_env`; never part of the cache key. */
  apiKeyEnv?: string
}

/** Token counts; absent when the provider did not say. */
export interface Usage {
  inputTokens: number
  outputTokens: number
}

/** A normalised answer. Errors are values, so a batch of calls never throws half-way. */
export interface ProviderResponse {
  output: string
  toolCalls: ToolCall[]
  finishReason: 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'cancelled' | 'other'
  usage: Usage | null
  /** US dollars, or null when the price of the model is unknown (never a made-up number). */
  costUsd: number | null
  latencyMs: number
  /** Time to the first token, when streamed. */
  firstTokenMs?: number
  cached: boolean
  error: { code: 'auth' | 'rate_limit' | 'server' | 'timeout' | 'network' | 'bad_response' | 'cancelled' | 'invalid_request'; message: string; status?: number; retryAfterMs?: number } | null
}

/** A piece of a streamed answer. */
export type StreamEvent = { type: 'text'; text: string } | { type: 'tool_call'; call: ToolCall } | { type: 'done'; response: ProviderResponse }

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal
  /** Overall time limit per attempt, in ms. */
  timeoutMs?: number
}

/** Where a provider gets its key: never from the project. */
export type SecretSource = (name: string) => Promise<string | undefined>

/** One vendor. */
export interface Provider {
  readonly id: string
  call(request: ProviderRequest, options?: CallOptions): Promise<ProviderResponse>
  stream(request: ProviderRequest, options?: CallOptions): AsyncIterable<StreamEvent>
}
