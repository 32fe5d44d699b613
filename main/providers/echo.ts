/**
 * The echo provider: an offline testing aid so a fresh project runs end to
 * end without keys or network. It answers deterministically with the last
 * user message, or with `parameters.reply` when the model config sets one
 * (handy for scripted evals). Token counts are estimated (~4 characters per
 * token) and the cost is always 0.
 */
import type { ChatMessage, Provider, ProviderRequest, ProviderResponse, StreamEvent } from './types'

/** Rough token count: ~4 characters a token, the usual rule of thumb for English. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4)
}

function answer(request: ProviderRequest): ProviderResponse {
  const reply = request.parameters?.reply
  const lastUser = [...request.messages].reverse().find((m: ChatMessage) => m.role === 'user')
  const output = typeof reply === 'string' ? reply : (lastUser?.content ?? '')
  const inputTokens = request.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0)
  return { output, toolCalls: [], finishReason: 'stop', usage: { inputTokens, outputTokens: estimateTokens(output) }, costUsd: 0, latencyMs: 0, cached: false, error: null }
}

function cancelled(): ProviderResponse {
  return { output: '', toolCalls: [], finishReason: 'cancelled', usage: null, costUsd: 0, latencyMs: 0, cached: false, error: { code: 'cancelled', message: 'Cancelled' } }
}

/** The echo provider (id `echo`). */
export function createEchoProvider(): Provider {
  return {
    id: 'echo',
    async call(request, options) {
      return options?.signal?.aborted ? cancelled() : answer(request)
    },
    async *stream(request, options): AsyncIterable<StreamEvent> {
      const response = answer(request)
      // Word by word, so stream consumers are exercised offline too.
      for (const piece of response.output.match(/\S+\s*|\s+/g) ?? []) {
        if (options?.signal?.aborted) {
          yield { type: 'done', response: cancelled() }
          return
        }
        yield { type: 'text', text: piece }
      }
      yield { type: 'done', response: { ...response, firstTokenMs: 0 } }
    },
  }
}
