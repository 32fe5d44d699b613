/** Regressions and improvements between baseline and one candidate: row, scorer, from → to; a click shows the row's outputs. */
import { formatScore, type EvalComparison } from './compareModel'

type Change = EvalComparison['regressions'][number]

/** Props of {@link ChangeLists}. */
export interface ChangeListsProps {
  comparison: EvalComparison
  onSelectRow(rowId: string): void
}

/** Both lists side by side. */
export function ChangeLists({ comparison, onSelectRow }: ChangeListsProps) {
  return (
    <section className="ec-changelists" aria-label="Regressions and improvements">
      <ChangeList title="Regressions" tone="ec-worse" changes={comparison.regressions} onSelectRow={onSelectRow} />
      <ChangeList title="Improvements" tone="ec-better" changes={comparison.improvements} onSelectRow={onSelectRow} />
    </section>
  )
}

/** Past this many entries the list says how many more there are; the outputs filter shows them all. */
const SHOWN = 200

function ChangeList({ title, tone, changes, onSelectRow }: { title: string; tone: string; changes: readonly Change[]; onSelectRow(rowId: string): void }) {
  return (
    <div className="ec-changelist">
      <h3>
        {title} <span className="muted">({changes.length})</span>
      </h3>
      {changes.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul aria-label={title}>
          {changes.slice(0, SHOWN).map((c) => (
            <li key={`${c.rowId}:${c.scorer}`}>
              <button type="button" className="ec-change" onClick={() => onSelectRow(c.rowId)}>
                <code>{c.rowId}</code> <span className="muted">{c.scorer}</span>{' '}
                <span className={tone}>
                  {formatScore(c.from)} → {formatScore(c.to)}
                </span>
              </button>
            </li>
          ))}
          {changes.length > SHOWN && <li className="muted">… and {changes.length - SHOWN} more</li>}
        </ul>
      )}
    </div>
  )
}
