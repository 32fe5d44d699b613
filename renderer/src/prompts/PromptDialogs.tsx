/** The prompt editor's two dialogs: the commit message of a save, and the name of a new prompt. */
import { useState } from 'react'
import { useClient } from '../api/ClientContext'
import { Modal } from '../ui/Modal'
import { starterPrompt } from './starterPrompt'
import { cancelSaveDialog, commitOpenPrompt, createPrompt, refocusAfterSaveDialog, usePromptsStore } from './usePromptsStore'

/** Asks for the message of the version being saved: Enter saves, Escape cancels. */
export function SaveDialog() {
  const client = useClient()
  const open = usePromptsStore((s) => s.saveDialog)
  const name = usePromptsStore((s) => s.name)
  const [message, setMessage] = useState('')
  if (!open || !name) return null
  const finish = () => {
    setMessage('')
    refocusAfterSaveDialog()
  }
  const close = () => {
    finish()
    cancelSaveDialog()
  }
  return (
    <Modal title={`Save prompt:${name}`} onClose={close} testId="save-dialog" className="modal-form">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          const text = message
          finish()
          void commitOpenPrompt(client, text)
        }}
      >
        <label className="field">
          <span className="field-label">What changed?</span>
          <input autoFocus value={message} onChange={(e) => setMessage(e.target.value)} placeholder={`Update prompt:${name}`} aria-label="Version message" />
          <span className="field-hint">Enter saves a new version (a git commit); Escape keeps editing.</span>
        </label>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Save version
          </button>
        </div>
      </form>
    </Modal>
  )
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** Names a new prompt and creates it from the starter template as its first version. */
export function NewPromptDialog({ projectDir, onClose }: { projectDir: string; onClose: () => void }) {
  const client = useClient()
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const valid = NAME_PATTERN.test(name)
  return (
    <Modal title="New prompt" onClose={onClose} testId="new-prompt-dialog" className="modal-form">
      <form
        onSubmit={async (e) => {
          e.preventDefault()
          if (!valid || busy) return
          setBusy(true)
          const created = await createPrompt(client, projectDir, name, starterPrompt())
          setBusy(false)
          if (created) onClose()
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. summarize-ticket" spellCheck={false} aria-label="Prompt name" />
          <span className="field-hint">
            Saved as prompts/{name || 'NAME'}.prompt, version 1, from a starter template. Letters, digits, ".", "_" and "-".
          </span>
        </label>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={!valid || busy}>
            Create prompt
          </button>
        </div>
      </form>
    </Modal>
  )
}
