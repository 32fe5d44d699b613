/** The bar above the editor when the text is an unsaved draft. */
import { useClient } from '../api/ClientContext'
import { isMac } from '../api/client'
import { formatShortcut } from '../../../common/commands'
import { discardPromptDraft, saveOpenPrompt, usePromptsStore } from './usePromptsStore'

/** Says the text is a local draft and offers to save it as a version or discard it. */
export function DraftNotice() {
  const client = useClient()
  const saving = usePromptsStore((s) => s.saving)
  const hasDraft = usePromptsStore((s) => s.draftBase !== null)
  const changedOnDisk = usePromptsStore((s) => s.draftBase !== null && s.draftBase !== s.disk)
  if (!hasDraft) return null
  return (
    <div className="draft-notice" role="status" data-testid="draft-notice">
      <span className="draft-dot" aria-hidden="true" />
      <span>
        <strong>Draft</strong> — kept on this machine, not yet a version.
        {changedOnDisk && ' The file has changed on disk since this draft began.'}
      </span>
      <button type="button" className="btn btn-small btn-primary" disabled={saving} onClick={() => void saveOpenPrompt(client)} title={formatShortcut('Mod+S', isMac)}>
        {saving ? 'Saving…' : 'Save version'}
      </button>
      <button type="button" className="btn btn-small" onClick={() => void discardPromptDraft()}>
        Discard draft
      </button>
    </div>
  )
}
