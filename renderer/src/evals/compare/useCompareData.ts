/** Loads what the comparison shows: every run with its rows, and the baseline compared with each candidate. */
import { useEffect, useState } from 'react'
import { useClient } from '../../api/ClientContext'
import { errorMessage } from '../../api/errors'
import type { EvalComparison, EvalRow, EvalRun } from './compareModel'

/** A run and its rows. */
export interface LoadedRun {
  run: EvalRun
  rows: EvalRow[]
}

/** What {@link useCompareData} returns: everything once all of it arrived, or the first error. */
export type CompareData =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; baseline: LoadedRun; candidates: LoadedRun[]; comparisons: EvalComparison[] }

/** Fetches the runs and comparisons in parallel; a change of ids starts over. */
export function useCompareData(baseline: string, candidates: readonly string[]): CompareData {
  const client = useClient()
  const key = [baseline, ...candidates].join('\n')
  // Kept with the ids it answers, so new ids read as loading without a reset in the effect.
  const [answer, setAnswer] = useState<{ key: string; data: CompareData } | null>(null)
  useEffect(() => {
    let live = true
    const ids = key.split('\n')
    const [baseId, ...candidateIds] = ids as [string, ...string[]]
    Promise.all([
      Promise.all(ids.map((runId) => client.call('evals.get', { runId }))),
      Promise.all(candidateIds.map((candidate) => client.call('evals.compare', { baseline: baseId, candidate }))),
    ]).then(
      ([runs, comparisons]) => live && setAnswer({ key, data: { state: 'ready', baseline: runs[0]!, candidates: runs.slice(1), comparisons } }),
      (e: unknown) => live && setAnswer({ key, data: { state: 'error', message: errorMessage(e) } }),
    )
    return () => {
      live = false
    }
  }, [client, key])
  return answer?.key === key ? answer.data : { state: 'loading' }
}
