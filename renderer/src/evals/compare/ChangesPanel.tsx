/**
 * What changed between two runs: every pinned slot (prompt, model, dataset,
 * evaluation, scorers) with, where the version differs, its diff from
 * `evals.diff` (from this project's store, or the bundle an imported run came
 * with) in a collapsed section with counts; and both git commits.
 */
import { useEffect, useState } from 'react'
import type { ObjectDiff, TextDiff } from '../../../../common/schemas/diff'
import { useClient } from '../../api/ClientContext'
import { errorMessage } from '../../api/errors'
import { parsePinned, pinnedChanges, shortRef, type EvalRun, type PinnedChange } from './compareModel'

/** How many dataset rows of each kind a section lists; counts still cover all. */
const ROW_LIMIT = 200

/** Props of {@link ChangesPanel}. */
export interface ChangesPanelProps {
  baseline: EvalRun
  candidate: EvalRun
}

/** The pinned versions of both runs, changed ones first with their diffs. */
export function ChangesPanel({ baseline, candidate }: ChangesPanelProps) {
  const changes = pinnedChanges(baseline.pinned, candidate.pinned)
  const changed = changes.filter((c) => c.changed)
  const unchanged = changes.filter((c) => !c.changed)
  return (
    <section className="ec-changes" aria-label="What changed">
      <h3>What changed</h3>
      <p className="ec-commits">
        Commit <code title={baseline.gitCommit ?? undefined}>{baseline.gitCommit?.slice(0, 7) ?? 'none'}</code> →{' '}
        <code title={candidate.gitCommit ?? undefined}>{candidate.gitCommit?.slice(0, 7) ?? 'none'}</code>
        {baseline.gitCommit === candidate.gitCommit ? <span className="muted"> (same commit)</span> : null}
      </p>
      {changed.length === 0 && <p className="muted">Both runs pinned the same versions of everything.</p>}
      {changed.map((change) => (
        <ChangedSlot key={change.key} change={change} runs={[baseline.id, candidate.id]} />
      ))}
      {unchanged.length > 0 && (
        <p className="ec-unchanged muted">
          Unchanged:{' '}
          {unchanged.map((c, i) => (
            <span key={c.key}>
              {i ? ', ' : ''}
              <code title={c.before ?? undefined}>{c.key}</code>
            </span>
          ))}
        </p>
      )}
    </section>
  )
}

/** One changed slot: a collapsed section that loads its diff at once so the header can show counts. */
function ChangedSlot({ change, runs }: { change: PinnedChange; runs: readonly [string, string] }) {
  const client = useClient()
  const [diff, setDiff] = useState<ObjectDiff | null>(null)
  const [error, setError] = useState<string | null>(null)
  const before = change.before ? parsePinned(change.before) : null
  const after = change.after ? parsePinned(change.after) : null
  const comparable = !!(change.before && change.after && before && after && before.kind === after.kind)

  useEffect(() => {
    if (!comparable) return
    let live = true
    // By the runs, not the refs: an imported run's versions may live only in the bundle it came with.
    client.call('evals.diff', { baseline: runs[0], candidate: runs[1], key: change.key, limit: ROW_LIMIT }).then(
      (result) => live && setDiff(result.diff),
      (e: unknown) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
    }
  }, [client, comparable, change.key, runs])

  return (
    <details className="ec-slot" data-testid={`change-${change.key}`}>
      <summary>
        <strong>{change.key}</strong> <code>{shortRef(change.before)}</code> → <code>{shortRef(change.after)}</code>{' '}
        <span className="ec-counts">{!comparable ? (change.before ? 'only in baseline' : 'only in candidate') : error ? 'diff failed' : diff ? diffCounts(diff) : '…'}</span>
      </summary>
      {error && <p className="error-text" role="alert">Could not diff: {error}</p>}
      {diff && <DiffBody diff={diff} />}
    </details>
  )
}

/** "+3 −1 lines", "+1 −1 ~2 rows". */
export function diffCounts(diff: ObjectDiff): string {
  if (diff.kind === 'dataset') return `+${diff.stats.added} −${diff.stats.removed} ~${diff.stats.changed} rows`
  const fields = diff.kind === 'prompt' ? diff.frontMatter.length : diff.fields.length
  return `+${diff.text.stats.added} −${diff.text.stats.removed} lines${fields ? ` · ${fields} field${fields === 1 ? '' : 's'}` : ''}`
}

function DiffBody({ diff }: { diff: ObjectDiff }) {
  if (diff.kind !== 'dataset') return <TextDiffView diff={diff.text} />
  const shown = diff.added.length + diff.removed.length + diff.changed.length
  const total = diff.stats.added + diff.stats.removed + diff.stats.changed
  return (
    <div className="ec-rows">
      <p className="muted">
        {diff.stats.unchanged} rows unchanged{diff.reordered ? ' · rows reordered' : ''}
        {shown < total ? ` · first ${shown} of ${total} changes shown` : ''}
      </p>
      <ul>
        {diff.added.map((row) => (
          <li key={`a:${row.id}`} className="ec-add">+ <code>{row.id}</code> {compact(row)}</li>
        ))}
        {diff.removed.map((row) => (
          <li key={`r:${row.id}`} className="ec-del">− <code>{row.id}</code> {compact(row)}</li>
        ))}
        {diff.changed.map((row) => (
          <li key={`c:${row.id}`} className="ec-chg">
            ~ <code>{row.id}</code>{' '}
            {row.fields.map((f) => (
              <span key={f.path} className="ec-field">
                {f.path || '(row)'}: <del>{compact(f.before)}</del> → <ins>{compact(f.after)}</ins>{' '}
              </span>
            ))}
          </li>
        ))}
      </ul>
    </div>
  )
}

/** A line diff, hunk by hunk, lines marked added or removed. */
function TextDiffView({ diff }: { diff: TextDiff }) {
  if (diff.hunks.length === 0) return <p className="muted">Same text.</p>
  return (
    <pre className="ec-textdiff">
      {diff.hunks.map((hunk, h) => (
        <span key={h}>
          <span className="ec-hunk">@@ −{hunk.oldStart},{hunk.oldLines} +{hunk.newStart},{hunk.newLines} @@{'\n'}</span>
          {hunk.lines.map((line, i) => (
            <span key={i} className={`ec-line ec-line-${line.type}`}>
              {line.type === 'added' ? '+' : line.type === 'removed' ? '−' : ' '} {line.text}
              {'\n'}
            </span>
          ))}
        </span>
      ))}
    </pre>
  )
}

/** A JSON value on one line, cut at 200 characters. */
function compact(value: unknown): string {
  if (value === undefined) return '—'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > 200 ? `${text.slice(0, 199)}…` : text
}
