import Dexie from 'dexie'
import { beforeEach, describe, expect, it } from 'vitest'
import { UI_DB_VERSION, UiDatabase } from './db'
import {
  DEFAULT_SETTINGS,
  deleteDraft,
  listDraftNames,
  loadDraft,
  loadOpenTab,
  loadSettings,
  saveDraft,
  saveOpenTab,
  saveSetting,
} from './uiState'

let dbCount = 0
let database: UiDatabase

beforeEach(() => {
  database = new UiDatabase(`weft-ui-test-${++dbCount}`)
})

describe('UI database', () => {
  it('opens at the declared schema version', async () => {
    await database.open()
    expect(database.verno).toBe(UI_DB_VERSION)
    expect(database.tables.map((t) => t.name).sort()).toEqual(['drafts', 'openTabs', 'outbox', 'settings'])
  })

  it('returns defaults, then what was saved', async () => {
    expect(await loadSettings(database)).toEqual(DEFAULT_SETTINGS)
    await saveSetting('lastSection', 'traces', database)
    await saveSetting('sidebarCollapsed', true, database)
    await saveSetting('theme', 'dark', database)
    expect(await loadSettings(database)).toEqual({ lastSection: 'traces', sidebarCollapsed: true, theme: 'dark', traceViews: [], annotator: '' })
  })

  it('ignores stored values a newer or older app wrote that this one does not understand', async () => {
    await database.settings.bulkPut([
      { key: 'lastSection', value: 'no-such-section' as never },
      { key: 'theme', value: 'sepia' as never },
      { key: 'unknownKey' as never, value: 1 as never },
    ])
    expect(await loadSettings(database)).toEqual(DEFAULT_SETTINGS)
  })

  it('keeps one open tab per project', async () => {
    await saveOpenTab('/a', { kind: 'prompt', name: 'summarize' }, database)
    await saveOpenTab('/b', { kind: 'prompt', name: 'classify' }, database)
    await saveOpenTab('/a', { kind: 'prompt', name: 'rewrite' }, database)
    expect(await loadOpenTab('/a', database)).toEqual({ projectDir: '/a', kind: 'prompt', name: 'rewrite' })
    await saveOpenTab('/a', null, database)
    expect(await loadOpenTab('/a', database)).toBeUndefined()
    expect((await loadOpenTab('/b', database))?.name).toBe('classify')
  })

  it('round-trips drafts keyed by project, kind and name', async () => {
    const draft = { projectDir: '/a', kind: 'prompt' as const, name: 'summarize', content: 'new', base: 'old', updatedAt: '2025-01-01T00:00:00.000Z' }
    await saveDraft(draft, database)
    await saveDraft({ ...draft, projectDir: '/b' }, database)
    expect(await loadDraft('/a', 'prompt', 'summarize', database)).toEqual(draft)
    expect((await listDraftNames('/a', database)).map((d) => d.name)).toEqual(['summarize'])
    await deleteDraft('/a', 'prompt', 'summarize', database)
    expect(await loadDraft('/a', 'prompt', 'summarize', database)).toBeUndefined()
    expect(await loadDraft('/b', 'prompt', 'summarize', database)).toBeDefined()
  })

  it('reads a database written by a bare version-1 schema (the fixture future migrations start from)', async () => {
    const name = `weft-ui-v1-fixture-${dbCount}`
    const v1 = new Dexie(name)
    v1.version(1).stores({ settings: 'key', openTabs: 'projectDir', drafts: '[projectDir+kind+name], projectDir, updatedAt' })
    await v1.table('settings').put({ key: 'theme', value: 'light' })
    await v1.table('drafts').put({ projectDir: '/p', kind: 'prompt', name: 'x', content: 'c', base: 'b', updatedAt: 't' })
    v1.close()
    const current = new UiDatabase(name)
    expect((await loadSettings(current)).theme).toBe('light')
    expect((await loadDraft('/p', 'prompt', 'x', current))?.content).toBe('c')
  })

  it('upgrades a version-1 database to version 2: every row kept, an empty outbox added and usable', async () => {
    const name = `weft-ui-v1-upgrade-${dbCount}`
    const v1 = new Dexie(name)
    v1.version(1).stores({ settings: 'key', openTabs: 'projectDir', drafts: '[projectDir+kind+name], projectDir, updatedAt' })
    await v1.table('settings').bulkPut([
      { key: 'theme', value: 'dark' },
      { key: 'lastSection', value: 'annotate' },
    ])
    await v1.table('openTabs').put({ projectDir: '/p', kind: 'prompt', name: 'summarize' })
    await v1.table('drafts').put({ projectDir: '/p', kind: 'dataset', name: 'tickets', content: 'c', base: 'b', updatedAt: 't' })
    v1.close()

    const current = new UiDatabase(name)
    await current.open()
    expect(current.verno).toBe(2)
    expect(await loadSettings(current)).toMatchObject({ theme: 'dark', lastSection: 'annotate', annotator: '' })
    expect(await loadOpenTab('/p', current)).toEqual({ projectDir: '/p', kind: 'prompt', name: 'summarize' })
    expect((await loadDraft('/p', 'dataset', 'tickets', current))?.content).toBe('c')
    expect(await current.outbox.count()).toBe(0)
    const annotation = {
      id: 'abcdefgh12',
      queue: 'q',
      queueVersion: 'a'.repeat(40),
      itemId: 'r1',
      annotator: 'ana',
      values: { ok: true },
      updatedMs: 1,
    }
    await current.outbox.put({ id: annotation.id, projectDir: '/p', queue: 'q', annotation, state: 'pending', error: null, attempts: 0 })
    expect(await current.outbox.where('[projectDir+queue]').equals(['/p', 'q']).count()).toBe(1)
    await saveSetting('annotator', 'Ana', current)
    expect((await loadSettings(current)).annotator).toBe('Ana')
    current.close()
  })
})
