/** The project's saved evaluations (evals/) with Run and Trends, and its reusable scorers (scorers/). */
import { ObjectList } from '../objects/ObjectList'
import type { KindListing } from '../objects/useObjectsStore'
import { evalHash } from './evalRoute'

/** Props of {@link SavedEvaluations}. */
export interface SavedEvaluationsProps {
  evaluations: KindListing | undefined
  scorers: KindListing | undefined
  onRun(name: string): void
  /** Opens the launch form with this evaluation chosen (concurrency, trials, overrides). */
  onOptions(name: string): void
}

/** The lists. */
export function SavedEvaluations({ evaluations, scorers, onRun, onOptions }: SavedEvaluationsProps) {
  return (
    <div className="eval-saved">
      <h2 className="file-group-title">
        Saved evaluations <span className="file-group-folder">evals/</span>
      </h2>
      <Listing listing={evaluations} empty="No .yaml or .yml files in evals/ yet.">
        {(objects) => (
          <ul className="eval-definitions" aria-label="Saved evaluations">
            {objects.map((o) => (
              <li key={o.path} className="eval-definition" title={o.path}>
                <span className="object-name">{o.name}</span>
                <button type="button" className="btn btn-small btn-primary" onClick={() => onRun(o.name)} aria-label={`Run ${o.name}`}>
                  Run
                </button>
                <button type="button" className="btn btn-small" onClick={() => onOptions(o.name)} aria-label={`Run ${o.name} with options`}>
                  Options…
                </button>
                <a className="btn btn-small" href={evalHash({ view: 'trends', name: o.name })} aria-label={`Trends of ${o.name}`}>
                  Trends
                </a>
              </li>
            ))}
          </ul>
        )}
      </Listing>
      <h2 className="file-group-title">
        Scorers <span className="file-group-folder">scorers/</span>
      </h2>
      <Listing listing={scorers} empty="No .yaml or .yml files in scorers/ yet.">
        {(objects) => <ObjectList objects={objects} label="Scorers files" />}
      </Listing>
    </div>
  )
}

function Listing({ listing, empty, children }: { listing: KindListing | undefined; empty: string; children(objects: KindListing['objects']): React.ReactNode }) {
  if (!listing || listing.status === 'loading') return <p className="muted">Loading…</p>
  if (listing.status === 'failed')
    return (
      <p className="error-text" role="alert">
        {listing.error}
      </p>
    )
  return listing.objects.length === 0 ? <p className="muted">{empty}</p> : <>{children(listing.objects)}</>
}
