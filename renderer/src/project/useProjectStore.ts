/** The open project, the recent list and what the host can do. */
import { create } from 'zustand'
import type { ResponseOf } from '../../../common/contract'
import type { ProjectInfo, RecentProject } from '../../../common/schemas/project'

/** `app.info` as the renderer keeps it. */
export type AppInfo = ResponseOf<'app.info'>

/** The project store's state. */
export interface ProjectState {
  /** `loading` until the first project.current answer; `failed` when it never came. */
  status: 'loading' | 'ready' | 'failed'
  loadError: string | null
  project: ProjectInfo | null
  recent: RecentProject[]
  appInfo: AppInfo | null
  /** A project operation is running (buttons disable themselves). */
  busy: boolean
}

/** The state before anything was fetched (also what tests reset to). */
export const INITIAL_PROJECT_STATE: ProjectState = {
  status: 'loading',
  loadError: null,
  project: null,
  recent: [],
  appInfo: null,
  busy: false,
}

/** The project store. Actions live in projectActions.ts because they need the client. */
export const useProjectStore = create<ProjectState>()(() => ({ ...INITIAL_PROJECT_STATE }))
