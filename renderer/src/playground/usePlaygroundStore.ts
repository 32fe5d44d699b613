/**
 * The Playground's run panel: which prompt (a saved version or the editor's
 * draft), which model configs (one to four), and one streaming column per
 * model. Each column has its own runId, so run.delta events land in the right
 * place and Stop can cancel every run in flight.
 */
import { appendDatasetRow } from '../datasets/appendRow'
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import type { ResponseOf } from '../../../common/contract'
import { errorMessage } from '../api/errors'

/** One finished run. */
export type RunResult = ResponseOf<'models.run'>

/** One model's column. */
export interface RunColumn {
  runId: string
  model: string
  status: 'running' | 'done' | 'failed'
  /** Streamed text so far; the final output once done. */
  text: string
  result: RunResult | null
  /** Why the call itself failed (not a provider error, which is in result.response.error). */
  error: string | null
}

/** The run panel's state. */
export interface PlaygroundState {
  /** The project the selection belongs to. */
  projectDir: string | null
  prompt: string | null
  /** 'latest', 'v3', a label, or 'draft' for the prompt editor's unsaved text. */
  version: string
  models: string[]
  columns: RunColumn[]
  /** The prompt ref or text and variables of the last run, for saving. */
  lastRun: { promptText: string; variables: Record<string, unknown> } | null
}

/** The most models run side by side. */
export const MAX_MODELS = 4

/** Nothing picked; `offline` (the echo provider, no key needed) is the default model. */
export const INITIAL_PLAYGROUND_STATE: PlaygroundState = { projectDir: null, prompt: null, version: 'latest', models: [], columns: [], lastRun: null }

/** The run panel store. */
export const usePlaygroundStore = create<PlaygroundState>()(() => ({ ...INITIAL_PLAYGROUND_STATE }))

/** A ref for a prompt at a version selector ('latest' means the current version). */
export function promptRef(name: string, version: string): string {
  return version === 'latest' || version === 'draft' ? `prompt:${name}` : `prompt:${name}@${version}`
}

/** Picks the prompt (back to its latest version). */
export function pickPrompt(name: string | null): void {
  usePlaygroundStore.setState({ prompt: name, version: 'latest' })
}

/** Picks the version selector. */
export function pickVersion(version: string): void {
  usePlaygroundStore.setState({ version })
}

/** Adds or removes a model (at most {@link MAX_MODELS}). */
export function toggleModel(name: string): void {
  usePlaygroundStore.setState((s) => {
    if (s.models.includes(name)) return { models: s.models.filter((m) => m !== name) }
    return s.models.length >= MAX_MODELS ? {} : { models: [...s.models, name] }
  })
}

/** Selects defaults once the lists are known: the first prompt, and `offline` when it exists. */
export function applyDefaults(prompts: readonly string[], models: readonly string[]): void {
  const s = usePlaygroundStore.getState()
  const patch: Partial<PlaygroundState> = {}
  if (!s.prompt && prompts.length) patch.prompt = prompts.includes('summarize') ? 'summarize' : prompts[0]!
  if (s.models.length === 0 && models.length) patch.models = [models.includes('offline') ? 'offline' : models[0]!]
  if (Object.keys(patch).length) usePlaygroundStore.setState(patch)
}

let runCounter = 0

/** A fresh run id (letters, digits, - only). */
export function newRunId(): string {
  return `pg-${Date.now().toString(36)}-${(runCounter++).toString(36)}`
}

function patchColumn(runId: string, patch: Partial<RunColumn> | ((c: RunColumn) => Partial<RunColumn>)): void {
  usePlaygroundStore.setState((s) => ({
    columns: s.columns.map((c) => (c.runId === runId ? { ...c, ...(typeof patch === 'function' ? patch(c) : patch) } : c)),
  }))
}

/** What to run: a saved prompt ref, or the draft text. */
export interface RunInput {
  prompt?: string
  content?: string
  /** The prompt text the run uses (saved as a new version on request). */
  promptText: string
  variables: Record<string, unknown>
}

/** Runs the prompt against every selected model at once, streaming into one column each. */
export async function runAll(client: WorkbenchClient, input: RunInput): Promise<void> {
  const { models, columns } = usePlaygroundStore.getState()
  if (models.length === 0 || columns.some((c) => c.status === 'running')) return
  const fresh: RunColumn[] = models.map((model) => ({ runId: newRunId(), model, status: 'running', text: '', result: null, error: null }))
  usePlaygroundStore.setState({ columns: fresh, lastRun: { promptText: input.promptText, variables: input.variables } })
  const ids = new Set(fresh.map((c) => c.runId))
  const off = client.on('run.delta', ({ runId, text }) => {
    if (ids.has(runId)) patchColumn(runId, (c) => (c.status === 'running' ? { text: c.text + text } : {}))
  })
  const source = input.prompt !== undefined ? { prompt: input.prompt } : { content: input.content ?? input.promptText }
  try {
    await Promise.all(
      fresh.map(async (column) => {
        try {
          const result = await client.call('models.run', { ...source, model: `model:${column.model}`, variables: input.variables, stream: true, runId: column.runId })
          patchColumn(column.runId, (c) => ({ status: result.response.error && result.response.error.code !== 'cancelled' ? 'failed' : 'done', result, text: result.response.output || c.text }))
        } catch (error) {
          patchColumn(column.runId, { status: 'failed', error: errorMessage(error) })
        }
      }),
    )
  } finally {
    off()
  }
}

/** Cancels every column still running. */
export async function stopAll(client: WorkbenchClient): Promise<void> {
  const running = usePlaygroundStore.getState().columns.filter((c) => c.status === 'running')
  await Promise.all(running.map((c) => client.call('models.cancel', { runId: c.runId }).catch(() => undefined)))
}

/** One line for a provider error: its code and message. */
export function describeRunError(result: RunResult): string | null {
  const error = result.response.error
  return error && error.code !== 'cancelled' ? `${error.code}: ${error.message}` : null
}

/** Saves the prompt text of the last run as a new version of the prompt; returns what to tell the user. */
export async function savePromptVersion(client: WorkbenchClient, name: string, text: string): Promise<string> {
  const saved = await client.call('objects.save', { kind: 'prompt', name, content: text, message: 'Saved from the Playground' })
  return saved.created ? `Saved prompt:${name} as v${saved.version.n}` : `prompt:${name} already has this text as v${saved.version.n}`
}

/** Appends {id, ...variables, expected: output} to a dataset as a new version, guarded by the version read. */
export async function addDatasetRow(client: WorkbenchClient, dataset: string, variables: Record<string, unknown>, output: string): Promise<number> {
  return appendDatasetRow(client, dataset, { ...variables, expected: output }, 'Row added from the Playground', { idPrefix: 'pg' })
}

/** Forgets everything (another project opened). */
export function resetPlayground(projectDir: string | null = null): void {
  usePlaygroundStore.setState({ ...INITIAL_PLAYGROUND_STATE, projectDir })
}
