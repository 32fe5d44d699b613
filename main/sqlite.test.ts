import { describe, expect, it } from 'vitest'
import { nativeBindingFor } from './sqlite'

describe('nativeBindingFor', () => {
  const versions = process.versions
  it('uses the Node build outside Electron', () => {
    expect(nativeBindingFor({ ...versions, electron: undefined as unknown as string }, '/app', () => true)).toBeUndefined()
  })
  it("uses the Electron build inside Electron when it exists, else the default (which then fails loudly)", () => {
    expect(nativeBindingFor({ ...versions, electron: '45.5.0' }, '/app', () => true)).toBe('/app/node_modules/.weft-electron/node_modules/better-sqlite3/build/Release/better_sqlite3.node')
    expect(nativeBindingFor({ ...versions, electron: '45.5.0' }, '/app', () => false)).toBeUndefined()
  })
})
