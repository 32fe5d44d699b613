/** A running run's live progress: bar, done/total, errors so far, ETA and running means per scorer. */
import { formatEta, formatScore } from './format'
import type { EvalProgress } from './useEvalsStore'

/** Props of {@link RunProgress}. */
export interface RunProgressProps {
  progress: Pick<EvalProgress, 'done' | 'total' | 'errors' | 'etaMs' | 'means'>
  /** Also list the running mean of each scorer. */
  showMeans?: boolean
}

/** The progress. */
export function RunProgress({ progress, showMeans = false }: RunProgressProps) {
  const { done, total, errors, etaMs, means } = progress
  const meanText = Object.entries(means)
    .map(([id, mean]) => `${id} ${formatScore(mean)}`)
    .join(' · ')
  return (
    <div className="eval-progress" data-testid="eval-progress">
      <progress max={Math.max(total, 1)} value={done} aria-label={`${done} of ${total} rows`} />
      <span className="eval-progress-text">
        {done}/{total}
        {errors ? <span className="eval-errors"> · {errors} error{errors === 1 ? '' : 's'}</span> : null}
        {etaMs !== null && done < total ? ` · ${formatEta(etaMs)}` : ''}
        {showMeans && meanText ? ` · ${meanText}` : ''}
      </span>
    </div>
  )
}
