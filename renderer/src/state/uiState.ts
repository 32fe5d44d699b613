/**
 * Typed reads and writes of the UI database. Every function takes the
 * database last so tests can pass their own; the app uses the shared one.
 * IndexedDB can be unavailable (private windows, quota): reads then fall back
 * to defaults and writes are dropped with a console warning, because losing a
 * remembered sidebar state must never break the app.
 */
import { SECTIONS, type SectionId } from '../../../common/commands'
import type { ObjectKind } from '../../../common/schemas/project'
import { db as sharedDb, type DraftRow, type OpenTabRow, type SettingsMap, type UiDatabase } from './db'

/** Settings when nothing was stored yet. */
export const DEFAULT_SETTINGS: SettingsMap = {
  lastSection: 'prompts',
  sidebarCollapsed: false,
  theme: 'system',
  traceViews: [],
  annotator: '',
}

const SECTION_IDS = new Set<string>(SECTIONS.map((s) => s.id))
const THEMES = new Set(['system', 'light', 'dark'])

// Stored values outlive code versions; anything unexpected falls back to the default.
const validators: { [K in keyof SettingsMap]: (v: unknown) => v is SettingsMap[K] } = {
  lastSection: (v): v is SectionId => typeof v === 'string' && SECTION_IDS.has(v),
  sidebarCollapsed: (v): v is boolean => typeof v === 'boolean',
  theme: (v): v is SettingsMap['theme'] => typeof v === 'string' && THEMES.has(v),
  annotator: (v): v is string => typeof v === 'string' && v.length <= 100 && !/[\r\n]/.test(v),
  traceViews: (v): v is SettingsMap['traceViews'] =>
    Array.isArray(v) &&
    v.every((view: unknown) => {
      const { name, filters } = (view ?? {}) as { name?: unknown; filters?: unknown }
      return typeof name === 'string' && typeof filters === 'object' && filters !== null && Object.values(filters).every((f) => typeof f === 'string')
    }),
}

async function guard<T>(what: string, run: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await run()
  } catch (error) {
    console.warn(`weft: ${what} failed; continuing without stored UI state`, error)
    return fallback
  }
}

/** All settings, with defaults for missing or invalid values. */
export async function loadSettings(database: UiDatabase = sharedDb): Promise<SettingsMap> {
  const rows = await guard('reading settings', () => database.settings.toArray(), [])
  const settings: SettingsMap = { ...DEFAULT_SETTINGS }
  for (const row of rows) {
    const key = row.key as keyof SettingsMap
    if (key in validators && validators[key](row.value)) (settings as unknown as Record<string, unknown>)[key] = row.value
  }
  return settings
}

/** Stores one setting. */
export async function saveSetting<K extends keyof SettingsMap>(
  key: K,
  value: SettingsMap[K],
  database: UiDatabase = sharedDb,
): Promise<void> {
  await guard(`saving ${key}`, () => database.settings.put({ key, value }), undefined)
}

/** The object tab last open in a project, if any. */
export async function loadOpenTab(projectDir: string, database: UiDatabase = sharedDb): Promise<OpenTabRow | undefined> {
  return guard('reading the open tab', () => database.openTabs.get(projectDir), undefined)
}

/** Remembers the open object tab of a project; `null` forgets it. */
export async function saveOpenTab(
  projectDir: string,
  tab: { kind: ObjectKind; name: string } | null,
  database: UiDatabase = sharedDb,
): Promise<void> {
  await guard(
    'saving the open tab',
    () => (tab ? database.openTabs.put({ projectDir, ...tab }).then(() => undefined) : database.openTabs.delete(projectDir)),
    undefined,
  )
}

/** The unsaved draft of one object file, if any. */
export async function loadDraft(
  projectDir: string,
  kind: ObjectKind,
  name: string,
  database: UiDatabase = sharedDb,
): Promise<DraftRow | undefined> {
  return guard('reading a draft', () => database.drafts.get([projectDir, kind, name]), undefined)
}

/** Stores a draft, replacing the previous one of the same file. */
export async function saveDraft(draft: DraftRow, database: UiDatabase = sharedDb): Promise<void> {
  await guard('saving a draft', () => database.drafts.put(draft), undefined)
}

/** Drops the draft of one object file. */
export async function deleteDraft(
  projectDir: string,
  kind: ObjectKind,
  name: string,
  database: UiDatabase = sharedDb,
): Promise<void> {
  await guard('discarding a draft', () => database.drafts.delete([projectDir, kind, name]), undefined)
}

/** All drafts of a project (for the "unsaved" dots in file lists). */
export async function listDraftNames(projectDir: string, database: UiDatabase = sharedDb): Promise<DraftRow[]> {
  return guard('listing drafts', () => database.drafts.where('projectDir').equals(projectDir).toArray(), [])
}
