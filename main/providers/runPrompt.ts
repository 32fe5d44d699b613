/**
 * Runs a prompt version against a model config: render the prompt with the
 * variables, turn the model config and the prompt's own config into a
 * provider request, and call (or stream) it through the provider layer.
 * Used by `models.run` (playground, CLI `weft run`) and later by evaluations.
 */
import { WeftError } from '../../common/errors'
import type { ObjectRef } from '../../common/refs'
import { parseYamlObject } from '../store/formats/yamlObject'
import { renderPrompt, type RenderedPrompt } from '../store/render'
import type { ObjectStore } from '../store/store'
import type { Providers, ProvidersCallOptions } from './registry'
import type { ChatMessage, ProviderRequest, ProviderResponse } from './types'

/** Dotprompt config names → the snake_case parameters model configs and providers use. */
const CONFIG_NAMES: Record<string, string> = {
  maxOutputTokens: 'max_tokens',
  topP: 'top_p',
  topK: 'top_k',
  stopSequences: 'stop',
  temperature: 'temperature',
}

/** The provider request for a rendered prompt and a model config (prompt config wins over model parameters). */
export function buildRequest(rendered: RenderedPrompt, model: { provider: string; model: string; base_url?: string; parameters?: Record<string, unknown>; api_key_env?: string }, outputFormat?: string): ProviderRequest {
  const parameters: Record<string, unknown> = { ...(model.parameters ?? {}) }
  for (const [key, value] of Object.entries(rendered.config)) parameters[CONFIG_NAMES[key] ?? key] = value
  const messages: ChatMessage[] = rendered.messages.map((m) => ({ role: m.role === 'model' ? 'assistant' : m.role, content: m.content }))
  return {
    provider: model.provider,
    model: model.model,
    messages,
    parameters,
    ...(model.base_url ? { baseUrl: model.base_url } : {}),
    ...(model.api_key_env ? { apiKeyEnv: model.api_key_env } : {}),
    ...(outputFormat === 'json' ? { responseFormat: { type: 'json' as const } } : {}),
  }
}

/** What to run. */
export interface RunRequest {
  /** A prompt reference, or unsaved prompt text. */
  prompt: ObjectRef | { content: string }
  model: ObjectRef
  variables: Record<string, unknown>
}

/** A run's result: the rendered messages it sent and the provider's answer. */
export interface RunResult {
  prompt: { ref: string | null; digest: string | null }
  model: { ref: string; digest: string }
  rendered: RenderedPrompt
  response: ProviderResponse
}

/** Renders and prepares the request (no call yet). */
export async function prepareRun(store: ObjectStore, run: RunRequest): Promise<{ request: ProviderRequest; meta: Omit<RunResult, 'response'> }> {
  let promptText: string
  let promptRef: { ref: string | null; digest: string | null }
  if ('content' in run.prompt) {
    promptText = run.prompt.content
    promptRef = { ref: null, digest: null }
  } else {
    const { resolved, content } = await store.read(run.prompt)
    if (resolved.kind !== 'prompt') throw new WeftError('INVALID_REQUEST', `${resolved.ref} is a ${resolved.kind}, not a prompt`, [{ path: 'prompt', message: 'not a prompt' }])
    promptText = content
    promptRef = { ref: resolved.ref, digest: resolved.digest }
  }
  const modelRead = await store.read(run.model)
  if (modelRead.resolved.kind !== 'model') throw new WeftError('INVALID_REQUEST', `${modelRead.resolved.ref} is a ${modelRead.resolved.kind}, not a model config`, [{ path: 'model', message: 'not a model config' }])
  const model = parseYamlObject('model', modelRead.content, `models/${modelRead.resolved.name}.yaml`)
  const rendered = await renderPrompt(promptText, run.variables, 'prompts/run.prompt')
  if (rendered.missing.length > 0) {
    throw new WeftError('INVALID_REQUEST', `Missing variables: ${rendered.missing.join(', ')}`, rendered.missing.map((name) => ({ path: `variables.${name}`, message: 'missing' })))
  }
  const outputFormat = /^\s*format:\s*json\s*$/m.test(promptText.split(/^---\s*$/m)[1] ?? '') ? 'json' : undefined
  return {
    request: buildRequest(rendered, model as Parameters<typeof buildRequest>[1], outputFormat),
    meta: { prompt: promptRef, model: { ref: modelRead.resolved.ref, digest: modelRead.resolved.digest }, rendered },
  }
}

/** Runs to completion; `onText` receives streamed text as it arrives when given. */
export async function runPrompt(store: ObjectStore, providers: Providers, run: RunRequest, options: ProvidersCallOptions & { onText?: (text: string) => void } = {}): Promise<RunResult> {
  const { request, meta } = await prepareRun(store, run)
  if (!options.onText) return { ...meta, response: await providers.call(request, options) }
  for await (const event of providers.stream(request, options)) {
    if (event.type === 'text') options.onText(event.text)
    if (event.type === 'done') return { ...meta, response: event.response }
  }
  throw new WeftError('INTERNAL', 'Internal error: the stream ended without a final response')
}
