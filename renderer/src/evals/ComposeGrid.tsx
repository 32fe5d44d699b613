/**
 * Composing a grid: a dataset version × prompt versions × model configs ×
 * scorers. Saving writes evals/NAME.yaml (YAML shown before saving) and
 * starts one run per prompt × model cell.
 */
import { useEffect, useState } from 'react'
import { parse } from 'yaml'
import type { WorkbenchClient } from '../../../common/client'
import type { ResponseOf } from '../../../common/contract'
import type { ObjectKind } from '../../../common/schemas/project'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { SCORER_TYPES, gridCells, gridDefinitionYaml, gridProblems, type EvalGrid, type GridScorer } from './composeGrid'
import { startRun } from './useEvalsStore'

type Version = ResponseOf<'objects.versions'>['versions'][number]

/** A version the grid can pin: its ref and how the checklist names it. */
export interface VersionChoice {
  ref: string
  label: string
}

/** Versions offered per object (newest first); older ones are typed as overrides. */
const VERSIONS_SHOWN = 8

/** The versions an object offers, newest first: `prompt:triage@v3` named "triage v3 · production · current". */
export function versionChoices(kind: ObjectKind, name: string, versions: readonly Version[]): VersionChoice[] {
  return versions.slice(0, VERSIONS_SHOWN).map((v) => ({
    ref: `${kind}:${name}@v${v.n}`,
    label: [`${name} v${v.n}`, ...v.labels, ...(v.current ? ['current'] : [])].join(' · '),
  }))
}

/** Every saved version of every object of a kind. */
async function loadChoices(client: WorkbenchClient, kind: ObjectKind): Promise<VersionChoice[]> {
  const { objects } = await client.call('objects.list', { kind })
  const lists = await Promise.all(objects.filter((o) => o.version).map(async (o) => versionChoices(kind, o.name, (await client.call('objects.versions', { kind, name: o.name })).versions)))
  return lists.flat()
}

interface ScorerDraft {
  id: string
  type: string
  params: string
}

const draftFor = (type: string, index: number): ScorerDraft => {
  const known = SCORER_TYPES.find((t) => t.type === type)
  const base = type.replace(/^scorer:/, '').replace(/[^A-Za-z0-9_.-]/g, '-')
  return { id: index ? `${base}-${index + 1}` : base, type, params: known && Object.keys(known.params).length ? JSON.stringify(known.params) : '' }
}

function parseParams(text: string): Record<string, unknown> {
  if (!text.trim()) return {}
  const value = parse(text) as unknown
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('parameters must be a map, like {values: [refund]}')
  return value as Record<string, unknown>
}

/** The composer. */
export function ComposeGrid() {
  const client = useClient()
  const [choices, setChoices] = useState<Partial<Record<ObjectKind, VersionChoice[]>>>({})
  const [savedScorers, setSavedScorers] = useState<string[]>([])
  // Every scorer type the engine has (its own list, so a new scorer shows up here without a UI change).
  const [engineScorers, setEngineScorers] = useState<readonly { type: string; label: string; description: string }[]>([])
  const [loadError, setLoadError] = useState<string | null>(null)
  const [name, setName] = useState('grid')
  const [dataset, setDataset] = useState('')
  const [prompts, setPrompts] = useState<string[]>([])
  const [models, setModels] = useState<string[]>([])
  const [scorers, setScorers] = useState<ScorerDraft[]>([draftFor('contains', 0)])
  const [trials, setTrials] = useState(1)
  const [concurrency, setConcurrency] = useState(4)
  const [status, setStatus] = useState<{ error?: string; done?: string } | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    void (async () => {
      try {
        const lists = await Promise.all((['dataset', 'prompt', 'model'] as const).map(async (kind) => [kind, await loadChoices(client, kind)] as const))
        const scorerFiles = (await client.call('objects.list', { kind: 'scorer' })).objects
        const types = (await client.call('evals.scorers', {}).catch(() => ({ scorers: [] }))).scorers
        if (!live) return
        setChoices(Object.fromEntries(lists))
        setSavedScorers(scorerFiles.map((s) => `scorer:${s.name}`))
        setEngineScorers(types)
      } catch (error) {
        if (live) setLoadError(errorMessage(error))
      }
    })()
    return () => {
      live = false
    }
  }, [client])

  const datasetRefs = choices.dataset ?? []
  const chosenDataset = dataset || datasetRefs[0]?.ref || ''

  let paramsError: string | null = null
  const gridScorers: GridScorer[] = scorers.map((s) => {
    try {
      return { id: s.id, type: s.type, params: parseParams(s.params) }
    } catch (error) {
      paramsError ??= `Scorer ${s.id}: ${errorMessage(error)}`
      return { id: s.id, type: s.type, params: {} }
    }
  })
  const grid: EvalGrid = { name, dataset: chosenDataset, prompts, models, scorers: gridScorers, trials, concurrency }
  const problems = [...gridProblems(grid), ...(paramsError ? [paramsError] : [])]
  const cells = gridCells(grid)
  const yamlText = gridDefinitionYaml(grid)

  const toggle = (list: string[], set: (l: string[]) => void, ref: string) => set(list.includes(ref) ? list.filter((r) => r !== ref) : [...list, ref])
  const save = async () => {
    setBusy(true)
    setStatus(null)
    try {
      await client.call('objects.save', { kind: 'evaluation', name, content: yamlText, message: `Evaluation grid ${name}: ${prompts.length} prompt × ${models.length} model` })
      for (const cell of cells) void startRun(client, { name, set: cell.set })
      setStatus({ done: `Saved evals/${name}.yaml and started ${cells.length} run${cells.length === 1 ? '' : 's'}.` })
    } catch (error) {
      setStatus({ error: errorMessage(error) })
    } finally {
      setBusy(false)
    }
  }

  if (loadError) return <p className="error-text" role="alert">Could not list the project's objects: {loadError}</p>
  return (
    <form
      className="eval-form eval-grid-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (problems.length === 0) void save()
      }}
    >
      <div className="eval-field-row">
        <label className="eval-field">
          <span>Name (evals/NAME.yaml)</span>
          <input value={name} onChange={(e) => setName(e.target.value.trim())} />
        </label>
        <label className="eval-field">
          <span>Dataset version</span>
          <select value={chosenDataset} onChange={(e) => setDataset(e.target.value)}>
            {datasetRefs.length === 0 && <option value="">No saved datasets</option>}
            {datasetRefs.map((r) => (
              <option key={r.ref} value={r.ref}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="eval-field-row">
        <RefChecklist legend="Prompt versions" refs={choices.prompt ?? []} chosen={prompts} onToggle={(r) => toggle(prompts, setPrompts, r)} empty="No saved prompts" />
        <RefChecklist legend="Model configs" refs={choices.model ?? []} chosen={models} onToggle={(r) => toggle(models, setModels, r)} empty="No saved model configs" />
      </div>
      <fieldset className="eval-fieldset">
        <legend>Scorers</legend>
        {scorers.map((s, i) => (
          <div key={i} className="eval-scorer-row">
            <input aria-label="Scorer id" value={s.id} onChange={(e) => setScorers(scorers.map((x, j) => (j === i ? { ...x, id: e.target.value } : x)))} />
            <select aria-label="Scorer type" value={s.type} onChange={(e) => setScorers(scorers.map((x, j) => (j === i ? draftFor(e.target.value, i) : x)))}>
              {SCORER_TYPES.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
              {engineScorers
                .filter((t) => !SCORER_TYPES.some((known) => known.type === t.type))
                .map((t) => (
                  <option key={t.type} value={t.type} title={t.description}>
                    {t.label} (parameters in YAML)
                  </option>
                ))}
              {savedScorers.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <input aria-label="Scorer parameters" className="mono" placeholder="parameters, e.g. {caseInsensitive: true}" value={s.params} onChange={(e) => setScorers(scorers.map((x, j) => (j === i ? { ...x, params: e.target.value } : x)))} />
            <button type="button" className="btn btn-small" aria-label={`Remove scorer ${s.id}`} onClick={() => setScorers(scorers.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="btn btn-small" onClick={() => setScorers([...scorers, draftFor('equals', scorers.length)])}>
          Add scorer
        </button>
      </fieldset>
      <div className="eval-field-row">
        <label className="eval-field">
          <span>Trials</span>
          <input type="number" min={1} max={100} value={trials} onChange={(e) => setTrials(Math.max(1, Number.parseInt(e.target.value, 10) || 1))} />
        </label>
        <label className="eval-field">
          <span>Concurrency</span>
          <input type="number" min={1} max={256} value={concurrency} onChange={(e) => setConcurrency(Math.max(1, Number.parseInt(e.target.value, 10) || 1))} />
        </label>
      </div>
      <details className="eval-yaml-preview" open>
        <summary>evals/{name || 'NAME'}.yaml</summary>
        <pre data-testid="grid-yaml">{yamlText}</pre>
      </details>
      {problems.length > 0 && (
        <ul className="eval-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {status?.error && (
        <p className="error-text" role="alert">
          {status.error}
        </p>
      )}
      {status?.done && <p role="status">{status.done}</p>}
      <div className="eval-form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || problems.length > 0}>
          Save and start {cells.length} run{cells.length === 1 ? '' : 's'}
        </button>
      </div>
    </form>
  )
}

function RefChecklist({ legend, refs, chosen, onToggle, empty }: { legend: string; refs: VersionChoice[]; chosen: string[]; onToggle(ref: string): void; empty: string }) {
  return (
    <fieldset className="eval-fieldset eval-checklist">
      <legend>{legend}</legend>
      {refs.length === 0 && <p className="muted">{empty}</p>}
      {refs.map((r) => (
        <label key={r.ref} className="eval-check" title={r.ref}>
          <input type="checkbox" checked={chosen.includes(r.ref)} onChange={() => onToggle(r.ref)} />
          <span>{r.label}</span>
        </label>
      ))}
    </fieldset>
  )
}
