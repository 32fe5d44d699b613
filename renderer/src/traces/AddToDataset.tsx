/**
 * "Add to dataset": a span's input becomes a dataset row and its output the
 * expected answer — both editable first — saved as a new version of the
 * chosen dataset (or of a new one).
 */
import { useEffect, useState } from 'react'
import type { ResponseOf } from '../../../common/contract'
import { objectNameProblem } from '../../../common/refs'
import { useClient } from '../api/ClientContext'
import { appendDatasetRow } from '../datasets/appendRow'
import { Modal } from '../ui/Modal'
import { useNotices } from '../ui/useNotices'

type Span = ResponseOf<'spans.get'>['span']

const NEW = '\u0000new'

/** The row fields a span's inputs give: an object's own fields, else `{ input }`. */
export function rowFieldsOf(inputs: unknown): Record<string, unknown> {
  if (typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs)) {
    const { id: _id, ...rest } = inputs as Record<string, unknown>
    return rest
  }
  return inputs === undefined ? {} : { input: inputs }
}

/** A span's output as the expected answer: text as it is, anything else as JSON. */
export function expectedOf(output: unknown): string {
  if (output === undefined || output === null) return ''
  if (typeof output === 'string') return output
  const text = (output as { text?: unknown }).text
  return typeof text === 'string' ? text : JSON.stringify(output, null, 2)
}

/** The dialog. */
export function AddToDataset({ span, onClose }: { span: Span; onClose(): void }) {
  const client = useClient()
  const [datasets, setDatasets] = useState<string[]>([])
  const [target, setTarget] = useState('')
  const [newName, setNewName] = useState('')
  const [fields, setFields] = useState(() => JSON.stringify(rowFieldsOf(span.inputs), null, 2))
  const [expected, setExpected] = useState(() => expectedOf(span.output))
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    void client.call('objects.list', { kind: 'dataset' }).then(({ objects }) => {
      const names = objects.map((o) => o.name)
      setDatasets(names)
      setTarget((t) => t || names[0] || NEW)
    })
  }, [client])

  const save = async () => {
    const name = target === NEW ? newName.trim() : target
    const nameProblem = objectNameProblem(name)
    if (!name || nameProblem) return setProblem(`Dataset name ${nameProblem ?? 'is needed'}`)
    let row: unknown
    try {
      row = JSON.parse(fields)
    } catch (error) {
      return setProblem(`Input fields are not valid JSON: ${(error as Error).message}`)
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return setProblem('Input fields must be a JSON object ({"question": "…"})')
    setBusy(true)
    try {
      const n = await appendDatasetRow(client, name, { ...(row as Record<string, unknown>), expected, source_span: `${span.traceId}/${span.id}` }, `Row added from span ${span.name} (trace ${span.traceId})`, { idPrefix: 'span', create: target === NEW && !datasets.includes(name) })
      useNotices.getState().push('info', `Added a row to dataset:${name} (v${n})`)
      onClose()
    } catch (error) {
      setProblem((error as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal title="Add to dataset" onClose={onClose} testId="add-to-dataset" className="modal-form">
      <div className="add-to-dataset">
        <label>
          Dataset{' '}
          <select aria-label="Dataset" value={target} onChange={(e) => setTarget(e.target.value)}>
            {datasets.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
            <option value={NEW}>new dataset…</option>
          </select>
        </label>
        {target === NEW && <input aria-label="New dataset name" placeholder="dataset name" value={newName} onChange={(e) => setNewName(e.target.value)} />}
        <label htmlFor="add-row-fields">Input fields (JSON)</label>
        <textarea id="add-row-fields" aria-label="Input fields" rows={8} value={fields} onChange={(e) => setFields(e.target.value)} />
        <label htmlFor="add-row-expected">Expected answer</label>
        <textarea id="add-row-expected" aria-label="Expected answer" rows={5} value={expected} onChange={(e) => setExpected(e.target.value)} />
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void save()}>
            Add row
          </button>
        </div>
      </div>
    </Modal>
  )
}
