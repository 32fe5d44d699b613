/**
 * A prompt's history: its versions (newest first), the two picked for
 * comparing, their diff, and the label and restore actions. Reloaded when the
 * workbench says prompts changed, so a save from a terminal shows up here too.
 */
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import type { ResponseOf } from '../../../common/contract'
import type { FieldChange } from '../../../common/schemas/diff'
import { errorMessage } from '../api/errors'
import { useNotices } from '../ui/useNotices'

/** One version as the history lists it. */
export type VersionRow = ResponseOf<'objects.versions'>['versions'][number]

/** Two versions compared. */
export interface Comparison {
  from: number
  to: number
  status: 'loading' | 'ready' | 'failed'
  error: string | null
  original: string
  modified: string
  frontMatter: FieldChange[]
  /** A side whose front matter could not be read. */
  problems: string[]
}

/** The history's state. */
export interface HistoryState {
  name: string | null
  status: 'idle' | 'loading' | 'ready' | 'failed'
  error: string | null
  versions: VersionRow[]
  /** Version numbers picked for comparing, in the order picked (at most two). */
  picked: number[]
  comparison: Comparison | null
  sideBySide: boolean
}

/** Nothing loaded. */
export const INITIAL_HISTORY_STATE: HistoryState = { name: null, status: 'idle', error: null, versions: [], picked: [], comparison: null, sideBySide: true }

/** The history store. */
export const useHistoryStore = create<HistoryState>()(() => ({ ...INITIAL_HISTORY_STATE }))

let loadSequence = 0

/** Loads (or reloads) the versions of a prompt; picks and an open comparison survive a reload of the same prompt. */
export async function loadHistory(client: WorkbenchClient, name: string): Promise<void> {
  const mine = ++loadSequence
  const same = useHistoryStore.getState().name === name
  useHistoryStore.setState(same ? { status: useHistoryStore.getState().status === 'ready' ? 'ready' : 'loading' } : { ...INITIAL_HISTORY_STATE, name, status: 'loading' })
  try {
    const { versions } = await client.call('objects.versions', { kind: 'prompt', name })
    if (mine !== loadSequence) return
    const known = new Set(versions.map((v) => v.n))
    useHistoryStore.setState((s) => ({ status: 'ready', error: null, versions, picked: s.picked.filter((n) => known.has(n)) }))
  } catch (error) {
    if (mine !== loadSequence) return
    useHistoryStore.setState({ status: 'failed', error: errorMessage(error) })
  }
}

/** Picks a version for comparing; picking a third drops the oldest pick, picking a picked one unpicks it. */
export function togglePick(n: number): void {
  useHistoryStore.setState((s) => ({ picked: s.picked.includes(n) ? s.picked.filter((p) => p !== n) : [...s.picked, n].slice(-2) }))
}

/** Compares two versions: both texts for the diff editor, and the front-matter field changes. Older is always on the left. */
export async function compareVersions(client: WorkbenchClient, a: number, b: number): Promise<void> {
  const { name } = useHistoryStore.getState()
  if (!name) return
  const [from, to] = a < b ? [a, b] : [b, a]
  const comparison: Comparison = { from, to, status: 'loading', error: null, original: '', modified: '', frontMatter: [], problems: [] }
  useHistoryStore.setState({ comparison, picked: [from, to] })
  const isCurrent = () => {
    const now = useHistoryStore.getState()
    return now.name === name && now.comparison?.from === from && now.comparison.to === to
  }
  try {
    const ref = (n: number) => `prompt:${name}@v${n}`
    const [left, right, diff] = await Promise.all([
      client.call('objects.get', { ref: ref(from) }),
      client.call('objects.get', { ref: ref(to) }),
      client.call('objects.diff', { from: ref(from), to: ref(to) }),
    ])
    if (!isCurrent()) return
    const prompt = diff.diff.kind === 'prompt' ? diff.diff : null
    useHistoryStore.setState({
      comparison: {
        ...comparison,
        status: 'ready',
        original: left.content,
        modified: right.content,
        frontMatter: prompt?.frontMatter ?? [],
        problems: (prompt?.problems ?? []).map((p) => `${p.side === 'before' ? `v${from}` : `v${to}`}${p.line ? ` line ${p.line}` : ''}: ${p.message}`),
      },
    })
  } catch (error) {
    if (isCurrent()) useHistoryStore.setState({ comparison: { ...comparison, status: 'failed', error: errorMessage(error) } })
  }
}

/** Closes the comparison. */
export function closeComparison(): void {
  useHistoryStore.setState({ comparison: null })
}

/** Switches the diff between side by side and inline. */
export function toggleSideBySide(): void {
  useHistoryStore.setState((s) => ({ sideBySide: !s.sideBySide }))
}

async function act(client: WorkbenchClient, name: string, run: () => Promise<string>): Promise<boolean> {
  try {
    useNotices.getState().push('info', await run())
    return true
  } catch (error) {
    useNotices.getState().push('error', errorMessage(error))
    return false
  } finally {
    await loadHistory(client, name)
  }
}

/** Points `label` at version `n`, moving it from wherever it was. */
export function setVersionLabel(client: WorkbenchClient, n: number, label: string): Promise<boolean> {
  const { name } = useHistoryStore.getState()
  if (!name) return Promise.resolve(false)
  return act(client, name, async () => {
    const result = await client.call('labels.set', { ref: `prompt:${name}@v${n}`, label })
    return result.commit ? `${label} → prompt:${name}@v${n}` : `${label} already points at v${n}`
  })
}

/** Removes `label` from the prompt. */
export function removeVersionLabel(client: WorkbenchClient, label: string): Promise<boolean> {
  const { name } = useHistoryStore.getState()
  if (!name) return Promise.resolve(false)
  return act(client, name, async () => {
    await client.call('labels.remove', { kind: 'prompt', name, label })
    return `Removed ${label} from prompt:${name}`
  })
}

/** Makes version `n` current again, as a new version. */
export function restoreVersion(client: WorkbenchClient, n: number): Promise<boolean> {
  const { name } = useHistoryStore.getState()
  if (!name) return Promise.resolve(false)
  return act(client, name, async () => {
    const result = await client.call('objects.restore', { ref: `prompt:${name}@v${n}`, message: `Restore prompt:${name}@v${n}` })
    // A version is a distinct content: restoring v1 makes v1 current again rather than adding a number.
    return result.created ? `Restored v${n} of prompt:${name}: v${result.version.n} is current` : `v${n} is already the current text of prompt:${name}`
  })
}

/** Forgets the history (another project opened, or tests). */
export function resetHistory(): void {
  loadSequence++
  useHistoryStore.setState({ ...INITIAL_HISTORY_STATE })
}
