/**
 * "Open in playground" for an LLM span: a run Weft made itself (its span names
 * the prompt and model versions) opens that prompt version, that model and its
 * variables; a span from an app becomes a new prompt built from its messages
 * (the user names it), opened the same way.
 */
import type { WorkbenchClient } from '../../../common/client'
import type { ResponseOf } from '../../../common/contract'
import { parseRef } from '../../../common/refs'
import { useAppStore } from '../app/useAppStore'
import { pickPrompt, pickVersion, usePlaygroundStore } from '../playground/usePlaygroundStore'
import { fieldText, usePreviewStore } from '../prompts/usePreviewStore'
import { toConversation } from './detail/chat'

type Span = ResponseOf<'spans.get'>['span']

/** The prompt and model of a run Weft recorded (`weft.prompt`, `weft.model` attributes), if this span is one. */
export function weftRunOf(span: Span): { prompt: string; promptDigest: string | null; model: string | null; variables: Record<string, unknown> } | null {
  const prompt = span.attributes['weft.prompt']
  if (typeof prompt !== 'string') return null
  const model = span.attributes['weft.model']
  const digest = span.attributes['weft.prompt_digest']
  const inputs = span.inputs as { variables?: unknown } | undefined
  const variables = typeof inputs?.variables === 'object' && inputs.variables !== null ? (inputs.variables as Record<string, unknown>) : {}
  return { prompt, promptDigest: typeof digest === 'string' ? digest : null, model: typeof model === 'string' ? model : null, variables }
}

/** The span's messages as Dotprompt text (roles as `{{role "…"}}` blocks), or null when it has no messages. */
export function promptTextOf(span: Span): string | null {
  const conversation = toConversation(span.inputs)
  if (!conversation || conversation.messages.length === 0) return null
  const model = [span.attributes['gen_ai.request.model'], span.attributes['llm.model_name'], Object.keys(span.usage)[0]].find((m) => typeof m === 'string' && m)
  const blocks = conversation.messages.map((m) => {
    const text = m.parts.map((p) => (p.kind === 'text' ? p.text : '')).filter(Boolean).join('\n')
    const role = m.role === 'assistant' ? 'model' : m.role === 'system' || m.role === 'user' ? m.role : 'user'
    // Handlebars would read {{ in the text as a variable: escape it.
    return `{{role "${role}"}}\n${text.replace(/\{\{/g, '\\{{')}`
  })
  // A Handlebars comment: the model the app called is a name, not a Weft model config.
  const front = model ? `{{!-- The traced app called ${String(model).replace(/--/g, '-')}; pick a model config to run it. --}}\n` : ''
  return `${front}${blocks.join('\n')}\n`
}

/** Opens a Weft run's prompt version, model and variables in the Playground. */
export async function openRunInPlayground(client: WorkbenchClient, run: NonNullable<ReturnType<typeof weftRunOf>>): Promise<void> {
  const promptName = parseRef(run.prompt, 'prompt').name
  pickPrompt(promptName)
  // The exact version the run used, as the version picker names it (vN).
  if (run.promptDigest) {
    const { versions } = await client.call('objects.versions', { kind: 'prompt', name: promptName })
    const match = versions.find((v) => v.digest === run.promptDigest)
    if (match?.n) pickVersion(`v${match.n}`)
  }
  if (run.model) usePlaygroundStore.setState({ models: [parseRef(run.model, 'model').name] })
  usePreviewStore.setState((s) => ({ values: { ...s.values, ...Object.fromEntries(Object.entries(run.variables).map(([k, v]) => [k, fieldText(v)])) } }))
  useAppStore.getState().goTo('playground')
}

/** Saves the span's messages as a new prompt and opens it in the Playground; returns the saved ref. */
export async function saveSpanAsPrompt(client: WorkbenchClient, span: Span, name: string): Promise<string> {
  const text = promptTextOf(span)
  if (!text) throw new Error('This span has no messages to make a prompt from')
  const saved = await client.call('objects.save', { kind: 'prompt', name, content: text, baseVersion: null, message: `Prompt from span ${span.name} (trace ${span.traceId})` })
  pickPrompt(name)
  useAppStore.getState().goTo('playground')
  return `prompt:${name}@v${saved.version.n}`
}
