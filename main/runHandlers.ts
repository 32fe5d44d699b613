/**
 * models.run / models.cancel: the provider layer behind the workbench API.
 * One provider layer per project (its cache and prices.yaml live there);
 * streamed text goes out as run.delta events so every transport streams.
 */
import crypto from 'node:crypto'
import type { EventOf, ResponseOf } from '../common/contract'
import type { Handlers } from '../common/dispatch'
import type { SpanInput } from '../common/schemas/span'
import { WeftError } from '../common/errors'
import { parseRef } from '../common/refs'
import { createProviders, type Providers } from './providers/registry'
import { runPrompt } from './providers/runPrompt'
import { listRuns, recordRun } from './providers/runLog'
import type { SecretSource } from './providers/types'
import type { ObjectStore } from './store/store'

/** What the run handlers need from the workbench. */
export interface RunHandlerContext {
  store(): Promise<ObjectStore>
  emit(event: EventOf<'run.delta'>): void
  /** Where API keys come from: the environment in CLI and web mode, the OS keychain on desktop. */
  secrets: SecretSource
  /** Extra options for the provider layer (tests: fast retries, fake vendors). */
  providerOptions?: Partial<Parameters<typeof createProviders>[0]>
  /** Records spans in a project's trace database (every run becomes a trace). */
  trace?(dir: string, spans: SpanInput[]): void
}

/** A finished run as one `llm` span, so playground and CLI runs sit beside the app's traces. */
export function runSpan(run: ResponseOf<'models.run'>, variables: Record<string, unknown>, endMs: number): SpanInput {
  const { response, rendered, prompt, model } = run
  const modelName = rendered.model ?? model.ref
  const promptName = prompt.ref ? prompt.ref.replace(/^prompt:/, '').replace(/@.*$/, '') : 'unsaved prompt'
  return {
    id: crypto.randomBytes(8).toString('hex'),
    traceId: crypto.randomBytes(16).toString('hex'),
    name: promptName,
    kind: 'llm',
    startMs: endMs - response.latencyMs,
    endMs,
    status: response.error ? 'error' : 'ok',
    error: response.error ? { message: response.error.message, type: response.error.code } : null,
    inputs: { messages: rendered.messages, variables, config: rendered.config },
    output: { text: response.output, ...(response.toolCalls.length ? { toolCalls: response.toolCalls } : {}), finishReason: response.finishReason },
    attributes: {
      'weft.source': 'run', 'weft.run_id': run.runId, 'weft.prompt': prompt.ref, 'weft.prompt_digest': prompt.digest,
      'weft.model': model.ref, 'weft.model_digest': model.digest, 'weft.cached': response.cached,
      ...(response.firstTokenMs !== undefined ? { 'weft.first_token_ms': response.firstTokenMs } : {}),
    },
    usage: response.usage ? { [modelName]: { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens } } : {},
    costUsd: response.costUsd,
  }
}

/** Handlers for models.run and models.cancel. */
export function createRunHandlers(ctx: RunHandlerContext): Pick<Handlers, 'models.run' | 'models.cancel' | 'runs.list'> {
  let providers: { dir: string; layer: Providers } | null = null
  const running = new Map<string, AbortController>()

  const providersFor = (dir: string): Providers => {
    if (providers?.dir !== dir) providers = { dir, layer: createProviders({ secrets: ctx.secrets, projectDir: dir, ...ctx.providerOptions }) }
    return providers.layer
  }

  return {
    'models.run': async ({ prompt, content, model, variables, stream, cache, runId }) => {
      const store = await ctx.store()
      const id = runId ?? crypto.randomUUID()
      if (running.has(id)) throw new WeftError('CONFLICT', `Run ${id} is already running; choose another runId`, [{ path: 'runId', message: 'already running' }])
      const controller = new AbortController()
      running.set(id, controller)
      try {
        const result = await runPrompt(
          store,
          providersFor(store.dir),
          { prompt: content !== undefined ? { content } : parseRef(prompt!, 'prompt'), model: parseRef(model, 'model'), variables },
          { signal: controller.signal, ...(cache === false ? { cache: false } : {}), ...(stream ? { onText: (text) => ctx.emit({ runId: id, text }) } : {}) },
        )
        const run = { runId: id, ...result }
        await recordRun(store.dir, { ...run, at: new Date().toISOString(), variables })
        try {
          ctx.trace?.(store.dir, [runSpan(run, variables, Date.now())])
        } catch (error) {
          // The run itself succeeded; a trace database that cannot be written must not turn it into a failure.
          console.error('weft: could not record the run as a trace:', (error as Error).message)
        }
        return run
      } finally {
        running.delete(id)
      }
    },
    'runs.list': async ({ limit }) => ({ runs: (await listRuns((await ctx.store()).dir, limit)) as never }),
    'models.cancel': async ({ runId }) => {
      const controller = running.get(runId)
      controller?.abort()
      return { cancelled: Boolean(controller) }
    },
  }
}
