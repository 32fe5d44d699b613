/** Wire shapes of model runs (playground, `weft run`, later evaluations). */
import { z } from 'zod'
import { RenderedPromptSchema } from './store'

/** A tool call the model made. */
const ToolCallSchema = z.object({ id: z.string(), name: z.string(), arguments: z.unknown() })

/** A provider's normalised answer. */
export const ProviderResponseSchema = z.object({
  output: z.string(),
  toolCalls: z.array(ToolCallSchema),
  finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'error', 'cancelled', 'other']),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).nullable(),
  costUsd: z.number().nullable(),
  latencyMs: z.number(),
  firstTokenMs: z.number().optional(),
  cached: z.boolean(),
  error: z
    .object({
      code: z.enum(['auth', 'rate_limit', 'server', 'timeout', 'network', 'bad_response', 'cancelled', 'invalid_request']),
      message: z.string(),
      status: z.number().optional(),
      retryAfterMs: z.number().optional(),
    })
    .nullable(),
})

/** A run: what was sent, and the answer. */
export const RunResultSchema = z.object({
  runId: z.string(),
  prompt: z.object({ ref: z.string().nullable(), digest: z.string().nullable() }),
  model: z.object({ ref: z.string(), digest: z.string() }),
  rendered: RenderedPromptSchema,
  response: ProviderResponseSchema,
})
