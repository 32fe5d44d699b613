import { beforeEach, describe, expect, test } from 'vitest'
import { WeftError } from '../../../common/errors'
import { db } from '../state/db'
import { loadDraft } from '../state/uiState'
import { createFakeClient, type FakeClient } from '../test/fakeClient'
import { draftsSettled, openDataset, refreshIfClean, saveDataset } from './datasetActions'
import { gitBlobId } from '../state/gitBlobId'
import { redo, setCell, setView, undo, useDatasetStore } from './useDatasetStore'

const DIR = '/home/me/support-bot'
const V1 = '{"id":"a","q":"one"}\n{"id":"b","q":"two"}\n'

async function fakeWithDataset(text = V1): Promise<FakeClient> {
  const digest = await gitBlobId(text)
  const client = createFakeClient()
  const resolved = { kind: 'dataset' as const, name: 'faq', digest, n: 1, via: 'latest' as const, ref: 'dataset:faq' }
  client.handle('objects.get', () => ({ resolved, content: text }))
  client.handle('refs.resolve', () => resolved)
  return client
}

beforeEach(async () => {
  await db.drafts.clear()
  useDatasetStore.setState({ name: null })
})

describe('dataset actions', () => {
  test('edits undo and redo, and each one is a draft in IndexedDB', async () => {
    const client = await fakeWithDataset()
    await openDataset(client, DIR, 'faq')
    expect(useDatasetStore.getState().rows).toHaveLength(2)
    expect(setCell('a', 'q', 'uno')).toBeNull()
    await draftsSettled()
    expect((await loadDraft(DIR, 'dataset', 'faq'))?.content).toBe('{"id":"a","q":"uno"}\n{"id":"b","q":"two"}\n')
    undo()
    expect(useDatasetStore.getState().rows[0]!.q).toBe('one')
    await draftsSettled()
    expect(await loadDraft(DIR, 'dataset', 'faq')).toBeUndefined()
    redo()
    expect(useDatasetStore.getState().rows[0]!.q).toBe('uno')
    expect(setCell('a', 'id', 'b')).toMatch(/already used/)
  })

  test('a stored draft comes back on open, based on the version it began from', async () => {
    const client = await fakeWithDataset()
    await openDataset(client, DIR, 'faq')
    setCell('b', 'q', 'dos')
    await draftsSettled()
    await openDataset(client, DIR, 'faq')
    const state = useDatasetStore.getState()
    expect(state.rows[1]!.q).toBe('dos')
    expect(state.restoredDraftAt).not.toBeNull()
    expect(state.base?.digest).toBe(await gitBlobId(V1))
  })

  test('save sends id-first JSONL with the loaded version; CONFLICT keeps the edits', async () => {
    const client = await fakeWithDataset()
    const saved: string[] = []
    let refuse = true
    client.handle('objects.save', (request) => {
      if (refuse) throw new WeftError('CONFLICT', 'dataset:faq changed since you started editing')
      saved.push(request.content)
      expect(request.baseVersion).toBe(useDatasetStore.getState().base?.digest)
      const version = { n: 2, digest: 'f'.repeat(40), commit: 'e'.repeat(40), time: '2026-01-01T00:00:00Z', author: 'me', email: 'me@x', message: 'm', labels: [], current: true }
      return { version, commit: version.commit, created: true }
    })
    await openDataset(client, DIR, 'faq')
    setCell('a', 'extra', { n: 1 })
    expect(await saveDataset(client, 'Add extra')).toBeNull()
    expect(useDatasetStore.getState().conflict).toMatch(/newer version/)
    expect(useDatasetStore.getState().rows[0]!.extra).toEqual({ n: 1 })
    refuse = false
    expect(await saveDataset(client)).toBe('f'.repeat(40))
    expect(saved[0]).toBe('{"id":"a","q":"one","extra":{"n":1}}\n{"id":"b","q":"two"}\n')
    const after = useDatasetStore.getState()
    expect(after.history.done).toEqual([])
    expect(after.diffPair?.to).toBe('f'.repeat(40))
    await draftsSettled()
    expect(await loadDraft(DIR, 'dataset', 'faq')).toBeUndefined()
  })

  test('a large dataset drafts its edit list and replays it, undo included', async () => {
    const big = Array.from({ length: 30_000 }, (_, i) => `{"id":"r${i}","text":"${'x'.repeat(60)}"}\n`).join('')
    const client = await fakeWithDataset(big)
    await openDataset(client, DIR, 'faq')
    setCell('r5', 'text', 'short')
    await draftsSettled()
    const draft = await loadDraft(DIR, 'dataset', 'faq')
    expect(draft?.base).toBe(`digest:${await gitBlobId(big)}`)
    expect(draft!.content.length).toBeLessThan(500)
    await openDataset(client, DIR, 'faq')
    expect(useDatasetStore.getState().rows[5]!.text).toBe('short')
    undo()
    expect(useDatasetStore.getState().rows[5]!.text).toBe('x'.repeat(60))
  })

  test('a version saved elsewhere replaces clean rows but never edited ones', async () => {
    let text = V1
    const client = createFakeClient()
    const resolvedOf = async () => ({ kind: 'dataset' as const, name: 'faq', digest: await gitBlobId(text), n: 1, via: 'latest' as const, ref: 'dataset:faq' })
    client.handle('objects.get', async () => ({ resolved: await resolvedOf(), content: text }))
    client.handle('refs.resolve', resolvedOf)
    await openDataset(client, DIR, 'faq')
    setView({ search: 'tw' })
    text = '{"id":"a","q":"one"}\n{"id":"b","q":"twenty"}\n'
    await refreshIfClean(client)
    expect(useDatasetStore.getState().rows[1]!.q).toBe('twenty')
    expect(useDatasetStore.getState().view.search).toBe('tw')
    setCell('a', 'q', 'mine')
    text = '{"id":"a","q":"theirs"}\n'
    await refreshIfClean(client)
    expect(useDatasetStore.getState().rows.map((r) => r.q)).toEqual(['mine', 'twenty'])
  })
})
