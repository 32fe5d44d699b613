/**
 * What an evaluation runs each row against (issue 8):
 * - a prompt version × a model config, rendered with the row as variables and
 *   called through the provider layer (retries, cache, cost);
 * - an HTTP endpoint: the row is POSTed as JSON and the response JSON is the
 *   output, for apps that run as a service.
 * Versions are pinned once, at the start of a run, so a label moved mid-run
 * changes nothing; `pinned` says which versions the run used.
 */
import { parseRef } from '../../common/refs'
import type { Providers } from '../providers/registry'
import { runPrompt } from '../providers/runPrompt'
import type { ObjectStore } from '../store/store'
import type { TargetAnswer } from './runLoop'

/** A target ready to call, with the versions it pinned. */
export interface Target {
  call(row: Record<string, unknown>, signal: AbortSignal): Promise<TargetAnswer>
  /** `prompt:name@digest`, `model:name@digest`, or the endpoint URL. */
  pinned: Record<string, string>
}

/** Row fields that are not prompt variables. */
const NOT_VARIABLES = new Set(['id', 'expected'])

/** A prompt version × model config target; the refs are resolved (pinned) now. */
export async function promptTarget(options: { store: ObjectStore; providers: Providers; prompt: string; model: string; cache?: boolean }): Promise<Target> {
  const prompt = await options.store.resolve(parseRef(options.prompt, 'prompt'))
  const model = await options.store.resolve(parseRef(options.model, 'model'))
  const promptRef = parseRef(`prompt:${prompt.name}@${prompt.digest}`, 'prompt')
  const modelRef = parseRef(`model:${model.name}@${model.digest}`, 'model')
  return {
    pinned: { prompt: `prompt:${prompt.name}@${prompt.digest}`, model: `model:${model.name}@${model.digest}` },
    async call(row, signal) {
      const variables = Object.fromEntries(Object.entries(row).filter(([key]) => !NOT_VARIABLES.has(key)))
      const started = performance.now()
      const result = await runPrompt(options.store, options.providers, { prompt: promptRef, model: modelRef, variables }, { signal, ...(options.cache === false ? { cache: false } : {}) })
      const { response } = result
      if (response.error) throw new Error(`${response.error.code}: ${response.error.message}`)
      const tokens = (response.usage?.inputTokens ?? 0) + (response.usage?.outputTokens ?? 0)
      return {
        output: response.output,
        latencyMs: response.cached ? performance.now() - started : response.latencyMs,
        tokens,
        costUsd: response.costUsd,
        spans: [{ id: 'llm', parentId: null, name: prompt.name, kind: 'llm', status: 'ok', startMs: 0, endMs: response.latencyMs, inputs: { messages: result.rendered.messages }, output: response.output, attributes: {} }],
      }
    },
  }
}

/** An HTTP endpoint target: POST (or PUT) the row as JSON; the JSON reply is the output. */
export function httpTarget(options: { url: string; method?: 'POST' | 'PUT'; headers?: Record<string, string>; timeoutMs?: number }): Target {
  return {
    pinned: { endpoint: options.url },
    async call(row, signal) {
      const started = performance.now()
      const response = await fetch(options.url, {
        method: options.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify(row),
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs ?? 60_000)]),
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`${options.url} answered ${response.status}: ${text.slice(0, 200)}`)
      let output: unknown
      try {
        output = JSON.parse(text)
      } catch {
        throw new Error(`${options.url} did not answer JSON: ${text.slice(0, 200)}`)
      }
      return { output, latencyMs: performance.now() - started, tokens: 0, costUsd: null }
    },
  }
}
