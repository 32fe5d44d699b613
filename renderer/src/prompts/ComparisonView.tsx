/** Two versions of a prompt compared: Monaco's diff editor and the front-matter fields that changed. */
import type { FieldChange } from '../../../common/schemas/diff'
import { useResolvedTheme } from '../app/theme'
import { DiffView } from '../editor/DiffView'
import { closeComparison, toggleSideBySide, useHistoryStore } from './useHistoryStore'

function show(value: unknown): string {
  return value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value)
}

/** The comparison of the picked versions (replaces the editor while open). */
export function ComparisonView({ name }: { name: string }) {
  const comparison = useHistoryStore((s) => s.comparison)
  const sideBySide = useHistoryStore((s) => s.sideBySide)
  const theme = useResolvedTheme()
  if (!comparison) return null
  const { from, to } = comparison
  return (
    <div className="comparison" data-testid="prompt-comparison">
      <div className="pane-toolbar comparison-bar">
        <span className="pane-title">
          {name}: v{from} → v{to}
        </span>
        <span className="spacer" />
        <button type="button" className="btn btn-small" aria-pressed={!sideBySide} onClick={toggleSideBySide}>
          {sideBySide ? 'Inline' : 'Side by side'}
        </button>
        <button type="button" className="btn btn-small" onClick={closeComparison}>
          Close diff
        </button>
      </div>
      {comparison.status === 'loading' && <p className="muted pad">Comparing v{from} and v{to}…</p>}
      {comparison.status === 'failed' && (
        <p className="error-text pad" role="alert">
          Could not compare: {comparison.error}
        </p>
      )}
      {comparison.status === 'ready' && (
        <>
          <FrontMatterChanges changes={comparison.frontMatter} problems={comparison.problems} />
          <DiffView
            original={comparison.original}
            modified={comparison.modified}
            language="dotprompt"
            theme={theme}
            sideBySide={sideBySide}
            ariaLabel={`prompt ${name}, v${from} compared with v${to}`}
          />
        </>
      )}
    </div>
  )
}

function FrontMatterChanges({ changes, problems }: { changes: readonly FieldChange[]; problems: readonly string[] }) {
  return (
    <section className="fm-changes" aria-label="Front matter changes" data-testid="front-matter-changes">
      <h3 className="fm-title">Front matter</h3>
      {problems.map((p) => (
        <p key={p} className="error-text small">
          {p}
        </p>
      ))}
      {changes.length === 0 ? (
        <p className="muted small">No field changed.</p>
      ) : (
        <table className="fm-table">
          <tbody>
            {changes.map((c) => (
              <tr key={c.path} className={`fm-${c.change}`}>
                <td className="fm-path">{c.path || '(all)'}</td>
                <td className="fm-change">{c.change}</td>
                <td className="fm-before">{show(c.before)}</td>
                <td className="fm-arrow">→</td>
                <td className="fm-after">{show(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
