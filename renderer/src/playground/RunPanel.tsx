/** The Playground's run panel: a prompt version, its variables, one to four models run side by side. */
import { useEffect, useMemo, useState } from 'react'
import type { ResponseOf } from '../../../common/contract'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import { PreviewPanel } from '../prompts/PreviewPanel'
import { outlinePrompt } from '../prompts/promptSource'
import { usePreviewStore, variablesFromValues } from '../prompts/usePreviewStore'
import { usePromptsStore } from '../prompts/usePromptsStore'
import { ApiKeysDialog } from './ApiKeysDialog'
import '../styles/playground.css'
import { RunColumns } from './RunColumns'
import { MAX_MODELS, applyDefaults, resetPlayground, pickPrompt, pickVersion, promptRef, runAll, stopAll, toggleModel, usePlaygroundStore } from './usePlaygroundStore'

type Version = ResponseOf<'objects.versions'>['versions'][number]

/** The run panel. */
export function RunPanel() {
  const client = useClient()
  const [keysOpen, setKeysOpen] = useState(false)
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const prompts = useObjects('prompt', projectDir)
  const models = useObjects('model', projectDir)
  const { prompt, version, models: chosen, columns } = usePlaygroundStore()
  const draft = usePromptsStore((s) => (s.name && s.name === prompt && s.status === 'ready' && s.text !== s.disk ? s.text : null))
  const values = usePreviewStore((s) => s.values)
  const [versions, setVersions] = useState<Version[]>([])
  const [saved, setSaved] = useState<{ text: string; error: string | null }>({ text: '', error: null })

  const storeDir = usePlaygroundStore((s) => s.projectDir)
  // Another project: its prompts and models are not the previous one's.
  useEffect(() => {
    if (storeDir !== projectDir) resetPlayground(projectDir)
  }, [storeDir, projectDir])
  useEffect(() => applyDefaults(prompts.objects.map((p) => p.name), models.objects.map((m) => m.name)), [prompts.objects, models.objects])

  useEffect(() => {
    if (!prompt) return
    let live = true
    client
      .call('objects.versions', { kind: 'prompt', name: prompt })
      .then((r) => live && setVersions(r.versions))
      .catch(() => live && setVersions([]))
    return () => {
      live = false
    }
  }, [client, prompt, prompts.objects])

  useEffect(() => {
    if (!prompt || version === 'draft') return
    let live = true
    client
      .call('objects.get', { ref: promptRef(prompt, version) })
      .then((r) => live && setSaved({ text: r.content, error: null }))
      .catch((error: unknown) => live && setSaved({ text: '', error: errorMessage(error) }))
    return () => {
      live = false
    }
  }, [client, prompt, version, prompts.objects])

  const useDraft = version === 'draft' && draft !== null
  const text = useDraft ? draft : saved.text
  const outline = useMemo(() => outlinePrompt(text), [text])
  const running = columns.some((c) => c.status === 'running')

  function run() {
    if (!prompt) return
    const variables = variablesFromValues(values, outline.declared)
    void runAll(client, useDraft ? { content: text, promptText: text, variables } : { prompt: promptRef(prompt, version), promptText: text, variables })
  }

  return (
    <div className="run-panel" data-testid="run-panel">
      <div className="run-toolbar">
        <label className="run-field">
          Prompt
          <select aria-label="Prompt" value={prompt ?? ''} onChange={(e) => pickPrompt(e.target.value || null)}>
            {!prompt && <option value="">Pick a prompt…</option>}
            {prompts.objects.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="run-field">
          Version
          <select aria-label="Prompt version" value={version} onChange={(e) => pickVersion(e.target.value)} disabled={!prompt}>
            <option value="latest">latest</option>
            {draft !== null && <option value="draft">unsaved draft</option>}
            {versions.map((v) => (
              <option key={v.digest} value={`v${v.n}`}>
                v{v.n}
                {v.labels.length ? ` (${v.labels.join(', ')})` : ''}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="run-models">
          <legend>
            Models <span className="muted small">(up to {MAX_MODELS})</span>
          </legend>
          {models.objects.map((m) => (
            <label key={m.name} className="run-model">
              <input
                type="checkbox"
                checked={chosen.includes(m.name)}
                disabled={!chosen.includes(m.name) && chosen.length >= MAX_MODELS}
                onChange={() => toggleModel(m.name)}
                aria-label={`Run with ${m.name}`}
              />
              {m.name}
            </label>
          ))}
          {models.status === 'ready' && models.objects.length === 0 && <span className="muted small">No model configs yet.</span>}
        </fieldset>
        <span className="spacer" />
        <button type="button" className="btn" onClick={() => setKeysOpen(true)}>
          API keys…
        </button>
        {keysOpen && <ApiKeysDialog onClose={() => setKeysOpen(false)} />}
        <button type="button" className="btn btn-primary" onClick={run} disabled={!prompt || chosen.length === 0 || running || text === ''}>
          Run
        </button>
        <button type="button" className="btn" onClick={() => void stopAll(client)} disabled={!running}>
          Stop
        </button>
      </div>
      {saved.error && version !== 'draft' && (
        <p className="error-text pad-small" role="alert">
          Cannot read the prompt: {saved.error}
        </p>
      )}
      <div className="run-body">
        <div className="run-inputs">{text && <PreviewPanel text={text} outline={outline} />}</div>
        <RunColumns promptName={prompt} />
      </div>
    </div>
  )
}
