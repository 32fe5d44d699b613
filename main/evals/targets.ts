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
import { WeftError } from '../../common/errors'
import type { Providers } from '../providers/registry'
import { buildRequest } from '../providers/runPrompt'
import { parseYamlObject } from '../store/formats/yamlObject'
import { renderPrompt } from '../store/render'
import type { ObjectStore } from '../store/store'
import { nowMs, traceparent, type RowTrace } from './rowTrace'
import type { TargetAnswer } from './runLoop'
import type { ScoredSpan } from './scorers/types'

/** A target ready to call, with the versions it pinned. */
export interface Target {
  /** Calls the target for one row, recording the call(s) as spans of the row's trace. */
  call(row: Record<string, unknown>, signal: AbortSignal, trace: RowTrace): Promise<TargetAnswer>
  /** `prompt:name@digest`, `model:name@digest`, or the endpoint URL. */
  pinned: Record<string, string>
}

/** Row fields that are not prompt variables. */
const NOT_VARIABLES = new Set(['id', 'expected'])

/**
 * A prompt version × model config target. The refs are resolved (pinned) and
 * both objects read once, now: per row only the template is rendered and the
 * model called (through the provider layer: cache, per-provider limits,
 * retries, cost).
 */
export async function promptTarget(options: { store: ObjectStore; providers: Providers; prompt: string; model: string; cache?: boolean }): Promise<Target> {
  const { resolved: prompt, content: promptText } = await options.store.read(parseRef(options.prompt, 'prompt'))
  const { resolved: model, content: modelText } = await options.store.read(parseRef(options.model, 'model'))
  if (prompt.kind !== 'prompt') throw new WeftError('INVALID_REQUEST', `${prompt.ref} is a ${prompt.kind}, not a prompt`, [{ path: 'target.prompt', message: 'not a prompt' }])
  if (model.kind !== 'model') throw new WeftError('INVALID_REQUEST', `${model.ref} is a ${model.kind}, not a model config`, [{ path: 'target.model', message: 'not a model config' }])
  const config = parseYamlObject('model', modelText, `models/${model.name}.yaml`)
  const outputFormat = /^\s*format:\s*json\s*$/m.test(promptText.split(/^---\s*$/m)[1] ?? '') ? 'json' : undefined
  const pinned = { prompt: `prompt:${prompt.name}@${prompt.digest}`, model: `model:${model.name}@${model.digest}` }
  return {
    pinned,
    async call(row, signal, trace) {
      const variables = Object.fromEntries(Object.entries(row).filter(([key]) => !NOT_VARIABLES.has(key)))
      const rendered = await renderPrompt(promptText, variables, `prompts/${prompt.name}.prompt`)
      if (rendered.missing.length > 0) throw new Error(`the row has no ${rendered.missing.join(', ')} for the prompt's variables`)
      const request = buildRequest(rendered, config as Parameters<typeof buildRequest>[1], outputFormat)
      const startMs = nowMs()
      const started = performance.now()
      const response = await options.providers.call(request, { signal, ...(options.cache === false ? { cache: false } : {}) })
      const latencyMs = response.cached ? performance.now() - started : response.latencyMs
      trace.add({
        id: trace.newId(), parentId: trace.rootId, name: prompt.name, kind: 'llm', startMs, endMs: nowMs(),
        status: response.error ? 'error' : 'ok', error: response.error ? { message: response.error.message, type: response.error.code } : null,
        inputs: { messages: rendered.messages, variables },
        output: { text: response.output, ...(response.toolCalls.length ? { toolCalls: response.toolCalls } : {}), finishReason: response.finishReason },
        attributes: { 'weft.prompt': pinned.prompt, 'weft.model': pinned.model, 'weft.cached': response.cached },
        usage: response.usage ? { [request.model]: { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens } } : {},
        costUsd: response.costUsd,
      })
      if (response.error) throw new Error(`${response.error.code}: ${response.error.message}`)
      for (const call of response.toolCalls) {
        // Tool calls the model asked for are the row's trajectory: one tool span each, under the llm call.
        trace.add({ id: trace.newId(), parentId: trace.rootId, name: call.name, kind: 'tool', startMs: nowMs(), endMs: nowMs(), inputs: call.arguments, attributes: { 'weft.tool_call_id': call.id } })
      }
      const tokens = (response.usage?.inputTokens ?? 0) + (response.usage?.outputTokens ?? 0)
      return { output: response.output, latencyMs, tokens, costUsd: response.costUsd }
    },
  }
}

/**
 * An HTTP endpoint target: POST (or PUT) the row as JSON; the JSON reply is
 * the output. The request carries a W3C `traceparent`, so an app traced with
 * OpenTelemetry or the Weft SDK can put its own spans under the row's trace.
 */
export function httpTarget(options: {
  url: string
  method?: 'POST' | 'PUT'
  headers?: Record<string, string>
  timeoutMs?: number
  /**
   * For step and trajectory scorers: the app's own spans of the row's trace,
   * read back from the trace database (they arrive by the ingest server, a
   * little after the answer). Waits until they stop coming or `waitMs` ends.
   */
  appSpans?: { read(traceId: string): ScoredSpan[]; waitMs: number }
}): Target {
  return {
    pinned: { endpoint: options.url },
    async call(row, signal, trace) {
      const spanId = trace.newId()
      const answer = await post(row, signal, trace, spanId)
      if (!options.appSpans) return answer
      return { ...answer, spans: await settledSpans(trace.traceId, spanId, options.appSpans, signal) }
    },
  }

  async function post(row: Record<string, unknown>, signal: AbortSignal, trace: RowTrace, spanId: string): Promise<TargetAnswer> {
    const startMs = nowMs()
    const started = performance.now()
    let status = 0
    let failure: string | null = null
    try {
      const response = await fetch(options.url, {
        method: options.method ?? 'POST',
        headers: { 'content-type': 'application/json', traceparent: traceparent(trace, spanId), ...options.headers },
        body: JSON.stringify(row),
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs ?? 60_000)]),
      })
      status = response.status
      const text = await response.text()
      if (!response.ok) throw new Error(`${options.url} answered ${response.status}: ${text.slice(0, 200)}`)
      let output: unknown
      try {
        output = JSON.parse(text)
      } catch {
        throw new Error(`${options.url} did not answer JSON: ${text.slice(0, 200)}`)
      }
      return { output, latencyMs: performance.now() - started, tokens: 0, costUsd: null }
    } catch (error) {
      failure = (error as Error).name === 'TimeoutError' ? `${options.url} did not answer within ${options.timeoutMs ?? 60_000} ms` : (error as Error).message
      throw failure === (error as Error).message ? error : new Error(failure)
    } finally {
      trace.add({
        id: spanId, parentId: trace.rootId, name: `${options.method ?? 'POST'} ${new URL(options.url).pathname}`, kind: 'chain', startMs, endMs: nowMs(),
        status: failure ? 'error' : 'ok', error: failure ? { message: failure } : null, inputs: row,
        attributes: { 'http.url': options.url, 'http.status_code': status },
      })
    }
  }
}

/** How often the trace database is read while an app's spans arrive. */
const SPAN_POLL_MS = 50

/**
 * The app's spans of a trace once they have settled: read every 50 ms until
 * the app's entry span (the child of the call's span, exported when the app's
 * work ended) is there and a second read finds nothing new — or `waitMs` is
 * over, and then whatever arrived. An app that sends none gets an empty list,
 * and the step scorers say the row has no such step.
 */
async function settledSpans(traceId: string, callSpanId: string, source: { read(traceId: string): ScoredSpan[]; waitMs: number }, signal: AbortSignal): Promise<ScoredSpan[]> {
  const deadline = performance.now() + source.waitMs
  let spans = source.read(traceId)
  while (performance.now() < deadline && !signal.aborted) {
    await new Promise((r) => setTimeout(r, SPAN_POLL_MS))
    const next = source.read(traceId)
    const settled = next.length === spans.length && next.some((s) => s.parentId === callSpanId)
    spans = next
    if (settled) break
  }
  return spans
}
