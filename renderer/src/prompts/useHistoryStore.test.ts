import { beforeEach, describe, expect, it } from 'vitest'
import type { ResponseOf } from '../../../common/contract'
import { createFakeClient } from '../test/fakeClient'
import { useNotices } from '../ui/useNotices'
import { compareVersions, loadHistory, removeVersionLabel, resetHistory, restoreVersion, setVersionLabel, togglePick, useHistoryStore } from './useHistoryStore'

type Version = ResponseOf<'objects.versions'>['versions'][number]

const version = (n: number, extra: Partial<Version> = {}): Version => ({
  n,
  digest: String(n).repeat(40).slice(0, 40),
  commit: 'c'.repeat(40),
  time: '2026-11-28T10:00:00Z',
  author: 'Ada',
  email: 'ada@example.com',
  message: `Message ${n}`,
  labels: [],
  current: false,
  ...extra,
})

function historyClient() {
  const client = createFakeClient()
  const versions = [version(3, { current: true }), version(2), version(1)]
  client.handle('objects.versions', () => ({ versions }))
  client.handle('objects.get', ({ ref }) => ({
    resolved: { kind: 'prompt', name: 'greet', digest: 'a'.repeat(40), n: 1, via: 'ordinal', ref },
    content: `text of ${ref}`,
  }))
  client.handle('objects.diff', () => ({
    from: { kind: 'prompt', name: 'greet', digest: 'a'.repeat(40), n: 1, via: 'ordinal', ref: 'prompt:greet@v1' },
    to: null,
    diff: {
      kind: 'prompt',
      status: 'changed',
      text: { hunks: [], stats: { added: 1, removed: 1 } },
      frontMatter: [{ path: 'config.temperature', change: 'changed', before: 0.2, after: 0.7 }],
    },
  }))
  client.handle('labels.set', ({ ref }) => {
    versions[1] = { ...versions[1]!, labels: ['production'] }
    return { resolved: { kind: 'prompt', name: 'greet', digest: 'b'.repeat(40), n: 2, via: 'ordinal', ref }, previous: null, commit: 'd'.repeat(40) }
  })
  client.handle('objects.restore', () => ({ version: version(1, { current: true }), commit: 'e'.repeat(40), created: true }))
  return client
}

beforeEach(() => {
  resetHistory()
  useNotices.setState({ notices: [] })
})

describe('prompt history', () => {
  it('lists versions, keeps at most two picks, and compares older → newer', async () => {
    const client = historyClient()
    await loadHistory(client, 'greet')
    expect(useHistoryStore.getState().versions.map((v) => v.n)).toEqual([3, 2, 1])
    togglePick(3)
    togglePick(2)
    togglePick(1)
    expect(useHistoryStore.getState().picked).toEqual([2, 1])
    togglePick(2)
    expect(useHistoryStore.getState().picked).toEqual([1])

    await compareVersions(client, 3, 1)
    const comparison = useHistoryStore.getState().comparison!
    expect(comparison).toMatchObject({ from: 1, to: 3, status: 'ready', original: 'text of prompt:greet@v1', modified: 'text of prompt:greet@v3' })
    expect(comparison.frontMatter[0]).toMatchObject({ path: 'config.temperature', before: 0.2, after: 0.7 })
    expect(client.calls.find((c) => c.name === 'objects.diff')?.request).toEqual({ from: 'prompt:greet@v1', to: 'prompt:greet@v3' })
  })

  it('moves a label and restores a version by reference, then reloads the list', async () => {
    const client = historyClient()
    await loadHistory(client, 'greet')
    expect(await setVersionLabel(client, 2, 'production')).toBe(true)
    expect(client.calls.find((c) => c.name === 'labels.set')?.request).toEqual({ ref: 'prompt:greet@v2', label: 'production' })
    expect(useHistoryStore.getState().versions[1]?.labels).toEqual(['production'])

    expect(await restoreVersion(client, 1)).toBe(true)
    expect(client.calls.find((c) => c.name === 'objects.restore')?.request).toMatchObject({ ref: 'prompt:greet@v1' })
    expect(useNotices.getState().notices.at(-1)?.text).toBe('Restored v1 of prompt:greet: v1 is current')
  })

  it('reports a refused action and keeps the list', async () => {
    const client = historyClient()
    client.handle('labels.remove', () => {
      throw new Error('no such label')
    })
    await loadHistory(client, 'greet')
    expect(await removeVersionLabel(client, 'staging')).toBe(false)
    expect(useNotices.getState().notices.at(-1)).toMatchObject({ tone: 'error', text: 'no such label' })
    expect(useHistoryStore.getState().versions).toHaveLength(3)
  })
})
