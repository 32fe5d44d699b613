/** Where the Evaluations section is, in the URL hash: the list, one run, a comparison or an evaluation's trends. */

/** One place in the section. */
export type EvalRoute =
  | { view: 'list' }
  | { view: 'run'; runId: string }
  | { view: 'compare'; baseline: string; candidates: string[] }
  | { view: 'trends'; name: string }

/** The route a hash like `#/evaluations/run/<id>` names (anything unknown is the list). */
export function parseEvalHash(hash: string): EvalRoute {
  const [section, view, a, b] = hash.replace(/^#\/?/, '').split('?')[0]!.split('/').map(decodeURIComponent)
  if (section !== 'evaluations') return { view: 'list' }
  if (view === 'run' && a) return { view: 'run', runId: a }
  if (view === 'compare' && a && b) return { view: 'compare', baseline: a, candidates: b.split(',').filter(Boolean) }
  if (view === 'trends' && a) return { view: 'trends', name: a }
  return { view: 'list' }
}

/** The hash of a route. */
export function evalHash(route: EvalRoute): string {
  const e = encodeURIComponent
  switch (route.view) {
    case 'list':
      return '#/evaluations'
    case 'run':
      return `#/evaluations/run/${e(route.runId)}`
    case 'compare':
      return `#/evaluations/compare/${e(route.baseline)}/${route.candidates.map(e).join(',')}`
    case 'trends':
      return `#/evaluations/trends/${e(route.name)}`
  }
}

/** Moves to a route (a history entry, so Back returns). */
export function navigateEval(route: EvalRoute): void {
  window.location.hash = evalHash(route)
}
