/**
 * Creating or editing an online rule: which spans (name or glob, kind,
 * attributes), how many of them (a sample rate), and the scorers — any
 * scorer of the evaluation engine or a saved `scorer:NAME`, with parameters
 * in YAML; an LLM judge starts with the project's first prompt and model.
 * The workbench checks the rule as it checks an evaluation; its issues are
 * listed by field.
 */
import { useEffect, useState } from 'react'
import { SPAN_KINDS } from '../../../common/schemas/span'
import { WeftError } from '../../../common/errors'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { draftRequest, starterParams, type Rule, type RuleDraft } from './ruleDraft'

interface ScorerType {
  type: string
  label: string
  description: string
}

/** The form. */
export function RuleEditor({ initial, onSaved, onCancel }: { initial: RuleDraft; onSaved(rule: Rule): void; onCancel(): void }) {
  const client = useClient()
  const [draft, setDraft] = useState(initial)
  const [types, setTypes] = useState<ScorerType[]>([])
  const [saved, setSaved] = useState<string[]>([])
  const [refs, setRefs] = useState<{ prompt?: string; model?: string }>({})
  const [errors, setErrors] = useState<string[]>([])
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    void Promise.all([
      client.call('evals.scorers', {}).catch(() => ({ scorers: [] })),
      client.call('objects.list', {}).catch(() => ({ objects: [] })),
    ]).then(([{ scorers }, { objects }]) => {
      if (!live) return
      setTypes(scorers)
      setSaved(objects.filter((o) => o.kind === 'scorer').map((o) => `scorer:${o.name}`))
      setRefs({ prompt: objects.find((o) => o.kind === 'prompt')?.name, model: objects.find((o) => o.kind === 'model')?.name })
    })
    return () => {
      live = false
    }
  }, [client])

  const set = (patch: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...patch }))
  const setScorer = (i: number, patch: Partial<RuleDraft['scorers'][number]>) => set({ scorers: draft.scorers.map((s, j) => (j === i ? { ...s, ...patch } : s)) })
  const { request, problems } = draftRequest(draft)

  const save = async () => {
    if (!request) return
    setBusy(true)
    setErrors([])
    try {
      const { rule } = await client.call('online.save', request)
      onSaved(rule)
    } catch (error) {
      // Every issue, with the field it is about (`scorers.0.params.rubric: …`).
      setErrors(error instanceof WeftError && error.issues ? error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)) : [errorMessage(error)])
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="online-editor"
      aria-label={draft.id ? `Edit rule ${initial.name}` : 'New rule'}
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      <h3>{draft.id ? `Edit ${initial.name}` : 'New online rule'}</h3>
      <div className="online-field-row">
        <label className="online-field">
          <span>Rule name</span>
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} placeholder="helpfulness" required />
        </label>
        <label className="online-field online-field-narrow">
          <span>Sample %</span>
          <input type="number" min={0} max={100} step="any" value={draft.samplePercent} onChange={(e) => set({ samplePercent: e.target.value })} aria-label="Sample rate (percent)" />
        </label>
      </div>
      <fieldset className="online-fieldset">
        <legend>Which spans</legend>
        <div className="online-field-row">
          <label className="online-field">
            <span>Span name (exact, or a glob like chat.*)</span>
            <input value={draft.filterName} onChange={(e) => set({ filterName: e.target.value })} placeholder="any name" />
          </label>
          <label className="online-field online-field-narrow">
            <span>Kind</span>
            <select value={draft.kind} onChange={(e) => set({ kind: e.target.value })} aria-label="Span kind">
              <option value="">any kind</option>
              {SPAN_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="online-field">
          <span>Attributes (key = value, one per line)</span>
          <textarea rows={2} className="mono" value={draft.attributes} onChange={(e) => set({ attributes: e.target.value })} placeholder="env = production" />
        </label>
      </fieldset>
      <fieldset className="online-fieldset">
        <legend>Scorers (scores are stored on each span as RULE/ID)</legend>
        {draft.scorers.map((s, i) => (
          <div key={i} className="online-scorer-row">
            <input aria-label="Scorer id" value={s.id} onChange={(e) => setScorer(i, { id: e.target.value })} />
            <select aria-label="Scorer type" value={s.type} onChange={(e) => setScorer(i, { type: e.target.value, params: starterParams(e.target.value, refs) })}>
              {!types.some((t) => t.type === s.type) && !saved.includes(s.type) && <option value={s.type}>{s.type}</option>}
              {types.map((t) => (
                <option key={t.type} value={t.type} title={t.description}>
                  {t.label}
                </option>
              ))}
              {saved.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <input aria-label="Scorer parameters" className="mono" value={s.params} onChange={(e) => setScorer(i, { params: e.target.value })} placeholder="parameters (YAML), e.g. {pattern: '^Hello'}" />
            <button type="button" className="btn btn-small" aria-label={`Remove scorer ${s.id}`} onClick={() => set({ scorers: draft.scorers.filter((_, j) => j !== i) })}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="btn btn-small online-add-scorer" onClick={() => set({ scorers: [...draft.scorers, { id: `regex-${draft.scorers.length + 1}`, type: 'regex', params: starterParams('regex') }] })}>
          Add scorer
        </button>
      </fieldset>
      <label className="online-check">
        <input type="checkbox" checked={draft.paused} onChange={(e) => set({ paused: e.target.checked })} />
        <span>Paused (score nothing until resumed)</span>
      </label>
      {[...problems, ...errors].length > 0 && (
        <ul className="online-problems" role="alert">
          {[...problems, ...errors].map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="online-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !request || !draft.name.trim()}>
          {draft.id ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
