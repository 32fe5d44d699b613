/** The bar above the editor when the text is an unsaved draft. */
import { discardPromptDraft, usePromptsStore } from './usePromptsStore'

/** Says the text is a local draft and offers to discard it. */
export function DraftNotice() {
  const hasDraft = usePromptsStore((s) => s.draftBase !== null)
  const changedOnDisk = usePromptsStore((s) => s.draftBase !== null && s.draftBase !== s.disk)
  if (!hasDraft) return null
  return (
    <div className="draft-notice" role="status" data-testid="draft-notice">
      <span className="draft-dot" aria-hidden="true" />
      <span>
        <strong>Draft</strong> — not saved; saving versions arrives with the object store.
        {changedOnDisk && ' The file has changed on disk since this draft began.'}
      </span>
      <button type="button" className="btn btn-small" onClick={() => void discardPromptDraft()}>
        Discard draft
      </button>
    </div>
  )
}
