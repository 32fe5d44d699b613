/**
 * The Evaluations section's state: the runs (newest first), each running run's
 * live progress from `evals.progress`, the runs ticked for comparison, and
 * starting, cancelling and resuming runs.
 */
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import type { EventOf, RequestOf, ResponseOf } from '../../../common/contract'
import { errorMessage } from '../api/errors'

/** A run as `evals.runs` lists it. */
export type EvalRun = ResponseOf<'evals.runs'>['runs'][number]
/** One `evals.progress` event. */
export type EvalProgress = EventOf<'evals.progress'>

interface EvalsState {
  runs: EvalRun[]
  loading: boolean
  error: string | null
  /** The latest progress event of each run seen running in this session. */
  progress: Record<string, EvalProgress>
  /** Runs ticked for comparison, in the order ticked (the first is the baseline). */
  ticked: string[]
  /** Only runs of this evaluation, or all. */
  nameFilter: string | null
}

/** The runs list shows at most this many. */
export const RUN_LIMIT = 200

/** The store. */
export const useEvalsStore = create<EvalsState>(() => ({ runs: [], loading: false, error: null, progress: {}, ticked: [], nameFilter: null }))

let loadSeq = 0

/** (Re)loads the runs. */
export async function loadRuns(client: WorkbenchClient): Promise<void> {
  const seq = ++loadSeq
  useEvalsStore.setState({ loading: true })
  try {
    const { runs } = await client.call('evals.runs', { limit: RUN_LIMIT })
    if (seq === loadSeq) useEvalsStore.setState({ runs, loading: false, error: null })
  } catch (error) {
    if (seq === loadSeq) useEvalsStore.setState({ loading: false, error: errorMessage(error) })
  }
}

let reloadTimer: ReturnType<typeof setTimeout> | null = null

/** Reloads the runs soon, once however many events ask for it. */
function reloadSoon(client: WorkbenchClient): void {
  reloadTimer ??= setTimeout(() => {
    reloadTimer = null
    void loadRuns(client)
  }, 300)
}

let ingestTimer: ReturnType<typeof setTimeout> | null = null

/**
 * Runs made outside this window — the SDK's `evaluate()`, W&B Weave
 * evaluations — arrive with their traces through the ingest server and send
 * no progress event; new traces refresh the list, at most every 2 s.
 */
export function reloadAfterIngest(client: WorkbenchClient): void {
  ingestTimer ??= setTimeout(() => {
    ingestTimer = null
    void loadRuns(client)
  }, 2000)
}

/** Records a progress event; a new run or a run that ended refreshes the list. */
export function applyProgress(client: WorkbenchClient, event: EvalProgress): void {
  const { runs } = useEvalsStore.getState()
  useEvalsStore.setState((s) => ({ progress: { ...s.progress, [event.runId]: event } }))
  const known = runs.find((r) => r.id === event.runId)
  if (!known || event.state !== 'running' || known.status !== 'running') reloadSoon(client)
}

/** Starts one run; the call returns when the run ends, so it is not awaited by the UI. Errors show in the section. */
export async function startRun(client: WorkbenchClient, request: RequestOf<'evals.run'>): Promise<void> {
  try {
    await client.call('evals.run', request)
  } catch (error) {
    useEvalsStore.setState({ error: `${request.name}: ${errorMessage(error)}` })
  } finally {
    reloadSoon(client)
  }
}

/** Stops a running run (what finished is kept). */
export async function cancelRun(client: WorkbenchClient, runId: string): Promise<void> {
  try {
    await client.call('evals.cancel', { runId })
  } catch (error) {
    useEvalsStore.setState({ error: errorMessage(error) })
  }
  reloadSoon(client)
}

/** Continues a cancelled or interrupted run where it stopped. */
export function resumeRun(client: WorkbenchClient, run: Pick<EvalRun, 'id' | 'name'>): Promise<void> {
  return startRun(client, { name: run.name, resume: run.id })
}

/** Ticks or unticks a run for comparison. */
export function toggleTicked(runId: string): void {
  useEvalsStore.setState((s) => ({ ticked: s.ticked.includes(runId) ? s.ticked.filter((id) => id !== runId) : [...s.ticked, runId] }))
}

/** Clears the last error shown. */
export function dismissError(): void {
  useEvalsStore.setState({ error: null })
}

/** Forgets everything (another project opened). */
export function resetEvals(): void {
  loadSeq++
  useEvalsStore.setState({ runs: [], loading: false, error: null, progress: {}, ticked: [], nameFilter: null })
}

/** True when a run can be resumed: Weft's own, stopped early, and recorded here (an imported run's versions may be missing). */
export function canResume(run: EvalRun): boolean {
  return run.source === 'weft' && run.importedMs === undefined && (run.status === 'cancelled' || run.status === 'interrupted')
}
