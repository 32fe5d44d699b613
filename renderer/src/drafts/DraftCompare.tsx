/**
 * A draft beside its file, lines that differ marked. Deliberately plain (no
 * Monaco): it must work for any kind of draft and open instantly from the
 * banner. For a conflict it also shows the file as it was when the draft began.
 */
import { diffLines } from 'diff'
import { useEffect, useMemo, useRef } from 'react'
import { createPortal } from 'react-dom'
import { Modal } from '../ui/Modal'
import type { RestoredDraft } from './useDraftsStore'

/** Props of {@link DraftCompare}. */
export interface DraftCompareProps {
  draft: RestoredDraft
  onClose: () => void
}

/** The side-by-side dialog. */
export function DraftCompare({ draft, onClose }: DraftCompareProps) {
  const disk = draft.disk ?? ''
  const [left, right] = useMemo(() => markLines(disk, draft.content), [disk, draft.content])
  const title = `Draft of ${draft.key} compared with the file`
  return createPortal(
    <Modal title={title} onClose={onClose} testId="draft-compare" className="draft-compare">
      {draft.state === 'conflict' && (
        <p className="git-problem" role="note">
          The file changed on disk after this draft began. Both are kept and nothing is overwritten until you choose: open the draft to edit and save it, or discard it to keep the file.
        </p>
      )}
      {draft.state === 'missing' && <p className="git-problem">{draft.diskError}</p>}
      <div className="compare-columns">
        <CompareColumn heading={draft.state === 'conflict' ? 'On disk now' : 'Saved (on disk)'} lines={left} testId="compare-disk" />
        <CompareColumn heading="Your draft" lines={right} testId="compare-draft" />
      </div>
      {draft.state === 'conflict' && (
        <details className="compare-base">
          <summary>The file when the draft began</summary>
          <pre>{draft.base}</pre>
        </details>
      )}
      <div className="modal-actions">
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>,
    document.body,
  )
}

interface MarkedLine {
  text: string
  changed: boolean
}

function CompareColumn({ heading, lines, testId }: { heading: string; lines: MarkedLine[]; testId: string }) {
  const pre = useRef<HTMLPreElement>(null)
  // The first difference may be far down a long file; start there, with a little context above.
  useEffect(() => {
    const first = pre.current?.querySelector<HTMLElement>('.is-changed')
    if (pre.current && first) pre.current.scrollTop = Math.max(0, first.offsetTop - 60)
  }, [lines])
  return (
    <div className="compare-column">
      <div className="compare-heading">{heading}</div>
      <pre ref={pre} className="compare-text" data-testid={testId}>
        {lines.map((line, i) => (
          <span key={i} className={line.changed ? 'compare-line is-changed' : 'compare-line'}>
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </div>
  )
}

/** Splits both texts into lines, marking those only on the left (removed) or only on the right (added). */
export function markLines(before: string, after: string): [MarkedLine[], MarkedLine[]] {
  const left: MarkedLine[] = []
  const right: MarkedLine[] = []
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, '').split('\n')
    for (const text of lines) {
      if (!part.added) left.push({ text, changed: part.removed })
      if (!part.removed) right.push({ text, changed: part.added })
    }
  }
  return [left, right]
}
