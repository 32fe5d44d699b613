/** Object files of the open project, per kind, loaded when a section first asks for them. */
import { useEffect } from 'react'
import { create } from 'zustand'
import type { WorkbenchClient } from '../../../common/client'
import type { ObjectEntry, ObjectKind } from '../../../common/schemas/project'
import { errorMessage } from '../api/errors'
import { useClient } from '../api/ClientContext'

/** What is known about one kind's files. */
export interface KindListing {
  status: 'loading' | 'ready' | 'failed'
  objects: ObjectEntry[]
  error: string | null
}

interface ObjectsState {
  byKind: Partial<Record<ObjectKind, KindListing>>
}

/** The objects store. */
export const useObjectsStore = create<ObjectsState>()(() => ({ byKind: {} }))

// Bumped when another project opens; a reply that belongs to an older project is dropped,
// so a slow answer cannot put the previous project's files in the new one's list.
let projectEpoch = 0

/** (Re)loads the files of one kind; keeps the old list visible while reloading. */
export async function loadObjects(client: WorkbenchClient, kind: ObjectKind): Promise<void> {
  const epoch = projectEpoch
  const previous = useObjectsStore.getState().byKind[kind]
  setKind(kind, { status: previous?.status === 'ready' ? 'ready' : 'loading', objects: previous?.objects ?? [], error: null })
  try {
    const { objects } = await client.call('objects.list', { kind })
    if (epoch !== projectEpoch) return
    setKind(kind, { status: 'ready', objects, error: null })
  } catch (error) {
    if (epoch !== projectEpoch) return
    setKind(kind, { status: 'failed', objects: [], error: errorMessage(error) })
  }
}

/** Forgets every listing (another project was opened). */
export function clearObjects(): void {
  projectEpoch++
  useObjectsStore.setState({ byKind: {} })
}

/** Reloads the kinds that changed, if they were ever loaded. */
export function reloadChangedKinds(client: WorkbenchClient, kinds: readonly ObjectKind[]): void {
  const loaded = useObjectsStore.getState().byKind
  for (const kind of kinds) if (loaded[kind]) void loadObjects(client, kind)
}

function setKind(kind: ObjectKind, listing: KindListing): void {
  useObjectsStore.setState((s) => ({ byKind: { ...s.byKind, [kind]: listing } }))
}

/** The listing of one kind, loading it on first use. `projectDir` keys the load to the open project. */
export function useObjects(kind: ObjectKind, projectDir: string | null): KindListing {
  const client = useClient()
  const listing = useObjectsStore((s) => s.byKind[kind])
  const known = listing !== undefined
  useEffect(() => {
    if (projectDir && !known) void loadObjects(client, kind)
  }, [client, kind, projectDir, known])
  return listing ?? { status: 'loading', objects: [], error: null }
}
