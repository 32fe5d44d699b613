/**
 * "N unsaved drafts restored": shown when a project opens with drafts in the
 * UI database, so work typed before a reload or crash is offered back rather
 * than silently reappearing (or silently lost). Each draft can be opened,
 * kept, compared with its file, or discarded; a file that changed since the
 * draft began is marked as a conflict.
 */
import { useEffect, useState } from 'react'
import { useClient } from '../api/ClientContext'
import { useProjectStore } from '../project/useProjectStore'
import { DraftCompare } from './DraftCompare'
import { draftKindAdapter } from './draftKinds'
import { compareDraft, discardDraft, keepAllDrafts, keepDraft, loadRestoredDrafts, openDraft, useDraftsStore, type RestoredDraft } from './useDraftsStore'
import '../styles/git.css'

// One empty list, so the selector's answer is stable between renders.
const NO_DRAFTS: RestoredDraft[] = []

/** The banner above the current section; renders nothing when there are no restored drafts. */
export function DraftsBanner() {
  const client = useClient()
  const projectDir = useProjectStore((s) => (s.project?.status === 'ready' ? s.project.dir : null))
  const drafts = useDraftsStore((s) => (s.projectDir === projectDir ? s.drafts : NO_DRAFTS))
  const comparing = useDraftsStore((s) => s.drafts.find((d) => d.key === s.comparing) ?? null)

  useEffect(() => {
    if (projectDir) void loadRestoredDrafts(client, projectDir)
  }, [client, projectDir])

  // A draft saved or discarded in its own editor leaves the banner.
  const kinds = [...new Set(drafts.map((d) => d.kind))].join(',')
  useEffect(() => {
    if (!projectDir || !kinds) return
    const stops = kinds.split(',').map((kind) => {
      const list = () => useDraftsStore.getState().drafts
      return draftKindAdapter(kind as RestoredDraft['kind']).watch?.(projectDir, (name) => {
        if (list().some((d) => d.key === `${kind}:${name}`)) keepDraft(`${kind}:${name}`)
      })
    })
    return () => stops.forEach((stop) => stop?.())
  }, [projectDir, kinds])

  if (drafts.length === 0) return null
  const conflicts = drafts.filter((d) => d.state === 'conflict').length
  return (
    <section className="drafts-banner" aria-label="Restored drafts" data-testid="drafts-banner">
      <header className="drafts-banner-head">
        <span className="draft-dot" aria-hidden="true" />
        <strong>
          {drafts.length} unsaved {drafts.length === 1 ? 'draft' : 'drafts'} restored
        </strong>
        <span className="muted">
          — kept on this machine from your last session, not yet versions.
          {conflicts > 0 && ` ${conflicts === 1 ? 'One file has' : `${conflicts} files have`} changed on disk since.`}
        </span>
        <button type="button" className="btn btn-small drafts-keep-all" onClick={keepAllDrafts} title="Hide this banner; the drafts stay in their editors">
          Keep all
        </button>
      </header>
      <ul className="drafts-list">
        {drafts.map((d) => (
          <DraftRow key={d.key} draft={d} onOpen={() => void openDraft(client, d.key)} />
        ))}
      </ul>
      {comparing && <DraftCompare draft={comparing} onClose={() => compareDraft(null)} />}
    </section>
  )
}

function DraftRow({ draft, onOpen }: { draft: RestoredDraft; onOpen: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const canOpen = draftKindAdapter(draft.kind).open !== undefined && draft.state !== 'missing'
  return (
    <li className={`drafts-row is-${draft.state}`} data-testid={`restored-draft-${draft.key}`}>
      <code className="drafts-ref">{draft.key}</code>
      <span className="drafts-when" title={draft.updatedAt}>
        edited {describeAge(draft.updatedAt)}
      </span>
      {draft.state === 'conflict' && <span className="drafts-badge">changed on disk since — compare before saving</span>}
      {draft.state === 'missing' && <span className="drafts-badge">{draft.diskError}</span>}
      {draft.form === 'edits' && <span className="drafts-when">large file: open it to review the edits</span>}
      <span className="drafts-actions">
        {canOpen && (
          <button type="button" className="btn btn-small" onClick={onOpen} aria-label={`Open draft of ${draft.key}`}>
            Open
          </button>
        )}
        {draft.form === 'text' && (
          <button type="button" className="btn btn-small" onClick={() => compareDraft(draft.key)} aria-label={`Compare draft of ${draft.key} with the file`}>
            Compare
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => keepDraft(draft.key)} aria-label={`Keep draft of ${draft.key}`} title="Hide it here; the draft stays">
          Keep
        </button>
        {confirming ? (
          <button type="button" className="btn btn-small btn-danger" onClick={() => void discardDraft(draft.key)} onBlur={() => setConfirming(false)} autoFocus aria-label={`Really discard draft of ${draft.key}`}>
            Really discard?
          </button>
        ) : (
          <button type="button" className="btn btn-small" onClick={() => setConfirming(true)} aria-label={`Discard draft of ${draft.key}`}>
            Discard
          </button>
        )}
      </span>
    </li>
  )
}

// "just now", "5 min ago", "3 h ago", else the date: enough to recognise a session.
function describeAge(iso: string): string {
  const ms = Date.now() - Date.parse(iso)
  if (!Number.isFinite(ms)) return 'earlier'
  if (ms < 60_000) return 'just now'
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`
  return new Date(iso).toLocaleDateString()
}
