/** The datasets section, loaded on first visit so the grid, import wizard and diff stay out of the first bundle. */
import { lazy, Suspense } from 'react'
import './draftAdapter'

const DatasetsSection = lazy(() => import('./DatasetsSection').then((m) => ({ default: m.DatasetsSection })))

/** The datasets section behind a lazy import. */
export function LazyDatasetsSection() {
  return (
    <Suspense fallback={<LoadingShell />}>
      <DatasetsSection />
    </Suspense>
  )
}

// The same heading as the section, so the page does not jump while the chunk loads.
function LoadingShell() {
  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header">
        <h1 id="section-title">Datasets</h1>
      </header>
      <p className="muted pad">Loading…</p>
    </section>
  )
}
