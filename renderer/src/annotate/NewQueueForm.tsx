/** "New queue": a name, where the items come from, the score fields; saved as `queues/NAME.yaml` (version 1). */
import { useEffect, useState } from 'react'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { loadObjects, useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'
import { Modal } from '../ui/Modal'
import { useNotices } from '../ui/useNotices'
import { emptyField, queueYamlFromDraft, type DraftProblem, type FieldDraft, type QueueDraft } from './queueYaml'

const INITIAL: QueueDraft = {
  name: '',
  description: '',
  instructions: '',
  sourceKind: 'dataset',
  dataset: '',
  traceName: '',
  traceStatus: '',
  traceSince: '',
  traceAttributes: '',
  traceLimit: '500',
  evaluation: '',
  run: 'latest',
  failedOnly: false,
  writeBackDataset: '',
  fields: [emptyField('correct')],
}

/** The dialog; `onCreated` gets the new queue's name. */
export function NewQueueForm({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string) => void }) {
  const client = useClient()
  const dir = useProjectStore((s) => s.project?.dir ?? null)
  const datasets = useObjects('dataset', dir)
  const evaluations = useObjects('evaluation', dir)
  const [draft, setDraft] = useState<QueueDraft>(INITIAL)
  const [problems, setProblems] = useState<DraftProblem[]>([])
  const [busy, setBusy] = useState(false)
  const [runsOf, setRunsOf] = useState<{ evaluation: string; runs: { id: string; label: string }[] }>({ evaluation: '', runs: [] })
  const set = (change: Partial<QueueDraft>) => setDraft((d) => ({ ...d, ...change }))
  const setField = (i: number, change: Partial<FieldDraft>) => setDraft((d) => ({ ...d, fields: d.fields.map((f, j) => (j === i ? { ...f, ...change } : f)) }))

  // The runs of the chosen evaluation, so a run can be pinned instead of "latest".
  useEffect(() => {
    if (draft.sourceKind !== 'evaluation' || !draft.evaluation) return
    let live = true
    const evaluation = draft.evaluation
    client.call('evals.runs', { name: evaluation, limit: 20 }).then(
      (r) => live && setRunsOf({ evaluation, runs: r.runs.map((run) => ({ id: run.id, label: `${run.id} · ${run.status} · ${new Date(run.startedMs).toLocaleString()}` })) }),
      () => live && setRunsOf({ evaluation, runs: [] }),
    )
    return () => {
      live = false
    }
  }, [client, draft.sourceKind, draft.evaluation])

  const save = async () => {
    const built = queueYamlFromDraft(draft)
    if ('problems' in built) return setProblems(built.problems)
    setProblems([])
    setBusy(true)
    const name = draft.name.trim()
    try {
      const result = await client.call('objects.save', { kind: 'queue', name, content: built.yaml, baseVersion: null, message: `Add queue:${name}` })
      useNotices.getState().push('info', `Created queue:${name} (v${result.version.n})`)
      void loadObjects(client, 'queue')
      onCreated(name)
    } catch (error) {
      setProblems([{ path: '', message: `Not saved: ${errorMessage(error)}` }])
    } finally {
      setBusy(false)
    }
  }
  const problemAt = (path: string) => problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`))
  const runs = runsOf.evaluation === draft.evaluation ? runsOf.runs : []
  const datasetNames = datasets.objects.map((o) => o.name)
  const evaluationNames = evaluations.objects.map((o) => o.name)

  return (
    <Modal title="New annotation queue" onClose={onClose} testId="new-queue-dialog" className="modal-form modal-queue">
      <form
        className="queue-form"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input
            autoFocus
            aria-label="Queue name"
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
            placeholder="e.g. tickets-review"
            spellCheck={false}
          />
          <span className="field-hint">Saved as queues/{draft.name.trim() || 'NAME'}.yaml — a versioned file like prompts and datasets.</span>
        </label>
        <label className="field">
          <span className="field-label">Description</span>
          <input aria-label="Description" value={draft.description} onChange={(e) => set({ description: e.target.value })} placeholder="What annotators judge, in one line" />
        </label>
        <label className="field">
          <span className="field-label">Instructions for annotators</span>
          <textarea aria-label="Instructions" rows={2} value={draft.instructions} onChange={(e) => set({ instructions: e.target.value })} placeholder="Optional; shown above each item" />
        </label>
        <fieldset className="field">
          <legend className="field-label">Items come from</legend>
          <div className="field-row">
            {(['dataset', 'traces', 'evaluation'] as const).map((kind) => (
              <label key={kind} className="radio-label">
                <input type="radio" name="source" checked={draft.sourceKind === kind} onChange={() => set({ sourceKind: kind })} />{' '}
                {kind === 'dataset' ? 'a dataset' : kind === 'traces' ? 'traces' : 'an evaluation run'}
              </label>
            ))}
          </div>
          {draft.sourceKind === 'dataset' && (
            <label className="field">
              <span className="field-label">Dataset</span>
              <select value={draft.dataset} onChange={(e) => set({ dataset: e.target.value })} aria-label="Dataset">
                <option value="">Choose a dataset…</option>
                {datasetNames.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            </label>
          )}
          {draft.sourceKind === 'traces' && (
            <div className="queue-form-grid">
              <label className="field">
                <span className="field-label">Root span name</span>
                <input value={draft.traceName} onChange={(e) => set({ traceName: e.target.value })} placeholder="any" />
              </label>
              <label className="field">
                <span className="field-label">Status</span>
                <select value={draft.traceStatus} onChange={(e) => set({ traceStatus: e.target.value as QueueDraft['traceStatus'] })}>
                  <option value="">any</option>
                  <option value="ok">ok</option>
                  <option value="error">error</option>
                </select>
              </label>
              <label className="field">
                <span className="field-label">Since</span>
                <input value={draft.traceSince} onChange={(e) => set({ traceSince: e.target.value })} placeholder="e.g. 7d, 12h" />
              </label>
              <label className="field">
                <span className="field-label">Attributes</span>
                <input value={draft.traceAttributes} onChange={(e) => set({ traceAttributes: e.target.value })} placeholder="env=prod, tier=gold" />
              </label>
              <label className="field">
                <span className="field-label">At most</span>
                <input value={draft.traceLimit} onChange={(e) => set({ traceLimit: e.target.value })} inputMode="numeric" />
              </label>
            </div>
          )}
          {draft.sourceKind === 'evaluation' && (
            <div className="queue-form-grid">
              <label className="field">
                <span className="field-label">Evaluation</span>
                <select value={draft.evaluation} onChange={(e) => set({ evaluation: e.target.value, run: 'latest' })} aria-label="Evaluation">
                  <option value="">Choose an evaluation…</option>
                  {evaluationNames.map((n) => (
                    <option key={n}>{n}</option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="field-label">Run</span>
                <select value={draft.run} onChange={(e) => set({ run: e.target.value })} aria-label="Run">
                  <option value="latest">the latest finished run</option>
                  {runs.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.label}
                    </option>
                  ))}
                </select>
              </label>
              <label className="radio-label">
                <input type="checkbox" checked={draft.failedOnly} onChange={(e) => set({ failedOnly: e.target.checked })} /> only rows that failed
              </label>
            </div>
          )}
          {draft.sourceKind !== 'dataset' && (
            <label className="field">
              <span className="field-label">Write labels back to dataset</span>
              <input value={draft.writeBackDataset} onChange={(e) => set({ writeBackDataset: e.target.value })} placeholder="e.g. gold-labels" list="queue-datasets" />
              <datalist id="queue-datasets">
                {datasetNames.map((n) => (
                  <option key={n} value={n} />
                ))}
              </datalist>
            </label>
          )}
          {[...problemAt('source'), ...problemAt('writeBack')].map((p) => (
            <p key={p.path + p.message} className="error-text" role="alert">
              {p.message}
            </p>
          ))}
        </fieldset>
        <fieldset className="field">
          <legend className="field-label">Score fields</legend>
          {draft.fields.map((f, i) => (
            <div key={i} className="queue-field-row" aria-label={`Field ${i + 1}`} role="group">
              <input aria-label={`Field ${i + 1} name`} value={f.name} onChange={(e) => setField(i, { name: e.target.value })} placeholder="name" spellCheck={false} />
              <select aria-label={`Field ${i + 1} type`} value={f.type} onChange={(e) => setField(i, { type: e.target.value as FieldDraft['type'] })}>
                <option value="binary">yes / no</option>
                <option value="categorical">one of options</option>
                <option value="numeric">number</option>
                <option value="text">text</option>
              </select>
              {f.type === 'categorical' && (
                <input aria-label={`Field ${i + 1} options`} value={f.options} onChange={(e) => setField(i, { options: e.target.value })} placeholder="billing, bug, other" />
              )}
              {f.type === 'numeric' && (
                <>
                  <input aria-label={`Field ${i + 1} min`} value={f.min} onChange={(e) => setField(i, { min: e.target.value })} className="queue-num" />
                  <span>to</span>
                  <input aria-label={`Field ${i + 1} max`} value={f.max} onChange={(e) => setField(i, { max: e.target.value })} className="queue-num" />
                  <span>step</span>
                  <input aria-label={`Field ${i + 1} step`} value={f.step} onChange={(e) => setField(i, { step: e.target.value })} className="queue-num" />
                </>
              )}
              <label className="radio-label">
                <input type="checkbox" checked={f.required} onChange={(e) => setField(i, { required: e.target.checked })} /> required
              </label>
              <input
                className="queue-field-desc"
                aria-label={`Field ${i + 1} description`}
                value={f.description}
                onChange={(e) => setField(i, { description: e.target.value })}
                placeholder="What should the annotator judge? (optional)"
              />
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Remove field ${i + 1}`}
                disabled={draft.fields.length === 1}
                onClick={() => set({ fields: draft.fields.filter((_, j) => j !== i) })}
              >
                ×
              </button>
              {problemAt(`fields.${i}`).map((p) => (
                <p key={p.path + p.message} className="error-text queue-field-problem" role="alert">
                  {p.message}
                </p>
              ))}
            </div>
          ))}
          <button type="button" className="btn btn-small queue-add-field" onClick={() => set({ fields: [...draft.fields, emptyField()] })} disabled={draft.fields.length >= 20}>
            Add field
          </button>
          {problems
            .filter((p) => p.path === 'fields')
            .map((p) => (
              <p key={p.message} className="error-text" role="alert">
                {p.message}
              </p>
            ))}
        </fieldset>
        {problems
          .filter((p) => p.path === 'name' || p.path === '' || p.path === 'description')
          .map((p) => (
            <p key={p.message} className="error-text" role="alert">
              {p.message}
            </p>
          ))}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Create queue
          </button>
        </div>
      </form>
    </Modal>
  )
}
