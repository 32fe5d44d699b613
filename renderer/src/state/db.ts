/**
 * The renderer's local UI state in IndexedDB (Dexie): which section was open,
 * the theme, the open prompt per project and unsaved drafts. Nothing here is
 * project data — the project folder is the source of truth; this only keeps
 * the window the way the user left it and makes sure typing is never lost.
 *
 * Schema changes are numbered. To add version 2:
 *   1. Keep `this.version(1).stores(...)` exactly as it is (Dexie needs the
 *      full history to upgrade an old database).
 *   2. Add `this.version(2).stores({ ...only the tables whose indexes change,
 *      `null` to drop a table })` and, when rows must be rewritten,
 *      `.upgrade(tx => tx.table('drafts').toCollection().modify(row => { … }))`.
 *   3. Bump UI_DB_VERSION, update the row types below, and add a test that
 *      writes version-1 rows with a bare v1 Dexie, reopens with this class and
 *      checks the rows came through (see db.test.ts for the v1 fixture).
 */
import Dexie, { type EntityTable } from 'dexie'
import type { ObjectKind } from '../../../common/schemas/project'
import type { SectionId } from '../../../common/commands'
import type { AnnotationInput } from '../../../common/schemas/annotation'

/** The IndexedDB database name. */
export const UI_DB_NAME = 'weft-ui'

/** The newest schema version; bump it with each `this.version(n)`. */
export const UI_DB_VERSION = 2

/** The user's theme choice; `system` follows prefers-color-scheme. */
export type ThemePreference = 'system' | 'light' | 'dark'

/** Window-wide settings, one row per key. */
export interface SettingsMap {
  lastSection: SectionId
  sidebarCollapsed: boolean
  theme: ThemePreference
  /** Saved filter sets of the trace list, by name (values as typed in the filter bar). */
  traceViews: SavedTraceView[]
  /** The name this window annotates under (Annotate section); '' until asked. */
  annotator: string
}

/** A named trace-list filter set. */
export interface SavedTraceView {
  name: string
  filters: Record<string, string>
}

/** One settings row. */
export interface SettingRow<K extends keyof SettingsMap = keyof SettingsMap> {
  key: K
  value: SettingsMap[K]
}

/** The object tab that was open in a project, so reopening the project shows it again. */
export interface OpenTabRow {
  projectDir: string
  kind: ObjectKind
  name: string
}

/** Unsaved editor text for one object file. */
export interface DraftRow {
  projectDir: string
  kind: ObjectKind
  name: string
  /** What the user typed. */
  content: string
  /** The file's text when the draft started, to tell when the file changed underneath. */
  base: string
  /** ISO time of the last edit. */
  updatedAt: string
}

/**
 * An annotation waiting to reach the workbench (Annotate section). Written
 * before `annotations.submit` is called, so a closed window, a crashed or
 * restarted server loses nothing; one row per annotation id, so a newer edit
 * replaces an older one that has not been sent yet.
 */
export interface OutboxRow {
  /** The annotation id (also `annotation.id`). */
  id: string
  projectDir: string
  /** The queue, for the view that merges pending labels with stored ones. */
  queue: string
  annotation: AnnotationInput
  /** `rejected`: the workbench refused it; it stays, with `error`, until edited, retried or discarded. */
  state: 'pending' | 'rejected'
  /** Why it was refused: the field path and the server's message. */
  error: { path: string; message: string } | null
  /** Sending attempts so far (for the retry backoff and the indicator). */
  attempts: number
}

/** The Dexie database with its numbered schema history. */
export class UiDatabase extends Dexie {
  settings!: EntityTable<SettingRow, 'key'>
  openTabs!: EntityTable<OpenTabRow, 'projectDir'>
  drafts!: Dexie.Table<DraftRow, [string, ObjectKind, string]>
  outbox!: EntityTable<OutboxRow, 'id'>

  constructor(name: string = UI_DB_NAME) {
    super(name)
    // Version 1. Primary key first; `[a+b+c]` is a compound key.
    this.version(1).stores({
      settings: 'key',
      openTabs: 'projectDir',
      drafts: '[projectDir+kind+name], projectDir, updatedAt',
    })
    // Version 2 (issue 10): the annotation outbox. The annotator's name is a settings row, which needs no index.
    this.version(2).stores({
      outbox: 'id, projectDir, [projectDir+queue]',
    })
  }
}

/** The window's database (opened lazily by Dexie on first use). */
export const db = new UiDatabase()
