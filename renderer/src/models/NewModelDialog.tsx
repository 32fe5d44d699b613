/** Creates a model config from a starter (the offline echo provider, so it runs at once) and opens it. */
import { useState } from 'react'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { loadObjects } from '../objects/useObjectsStore'
import { Modal } from '../ui/Modal'
import { useNotices } from '../ui/useNotices'
import { STARTER_MODEL } from './starterModel'
import { openModel } from './useModelStore'

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/


/** The dialog. */
export function NewModelDialog({ projectDir, onClose, onCreated }: { projectDir: string; onClose: () => void; onCreated: (name: string) => void }) {
  const client = useClient()
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const valid = NAME_PATTERN.test(name) && !name.includes('..')
  return (
    <Modal title="New model config" onClose={onClose} testId="new-model-dialog" className="modal-form">
      <form
        onSubmit={async (e) => {
          e.preventDefault()
          if (!valid || busy) return
          setBusy(true)
          try {
            const result = await client.call('objects.save', { kind: 'model', name, content: STARTER_MODEL, baseVersion: null, message: `Add model:${name}` })
            useNotices.getState().push('info', `Created model:${name} (v${result.version.n})`)
            await loadObjects(client, 'model')
            await openModel(client, projectDir, name)
            onCreated(name)
            onClose()
          } catch (error) {
            useNotices.getState().push('error', `Not created: ${errorMessage(error)}`)
          } finally {
            setBusy(false)
          }
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. gpt-fast" spellCheck={false} aria-label="Model config name" />
          <span className="field-hint">Saved as models/{name || 'NAME'}.yaml, version 1, starting on the offline echo provider.</span>
        </label>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!valid || busy}>
            Create model config
          </button>
        </div>
      </form>
    </Modal>
  )
}
