import { describe, expect, it } from 'vitest'
import { commandForKey, isTextTarget, matchesShortcut, type KeyLike } from './shortcuts'

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  code: /^\d$/.test(k) ? `Digit${k}` : `Key${k.toUpperCase()}`,
  metaKey: false,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
})

describe('matchesShortcut', () => {
  it('reads Mod as Ctrl off macOS and ⌘ on macOS', () => {
    expect(matchesShortcut(key('k', { ctrlKey: true }), 'Mod+K', false)).toBe(true)
    expect(matchesShortcut(key('k', { metaKey: true }), 'Mod+K', false)).toBe(false)
    expect(matchesShortcut(key('k', { metaKey: true }), 'Mod+K', true)).toBe(true)
    expect(matchesShortcut(key('k', { ctrlKey: true }), 'Mod+K', true)).toBe(false)
  })

  it('requires Shift exactly when the shortcut has it', () => {
    expect(matchesShortcut(key('N', { ctrlKey: true, shiftKey: true }), 'Mod+Shift+N', false)).toBe(true)
    expect(matchesShortcut(key('n', { ctrlKey: true }), 'Mod+Shift+N', false)).toBe(false)
    expect(matchesShortcut(key('O', { ctrlKey: true, shiftKey: true }), 'Mod+O', false)).toBe(false)
  })

  it('matches digits by physical key on layouts that need Shift for them', () => {
    expect(matchesShortcut({ ...key('&', { ctrlKey: true }), code: 'Digit1' }, 'Mod+1', false)).toBe(true)
  })

  it('takes a bare "?" as typed, with or without Shift', () => {
    expect(matchesShortcut(key('?', { shiftKey: true }), '?', false)).toBe(true)
    expect(matchesShortcut(key('?', { ctrlKey: true }), '?', false)).toBe(false)
  })
})

describe('commandForKey', () => {
  it('finds the command of every section shortcut', () => {
    expect(commandForKey(key('1', { ctrlKey: true }), false)?.id).toBe('go.prompts')
    expect(commandForKey(key('7', { ctrlKey: true }), false)?.id).toBe('go.monitor')
    expect(commandForKey(key('b', { ctrlKey: true }), false)?.id).toBe('sidebar.toggle')
    expect(commandForKey(key('x', { ctrlKey: true }), false)).toBeUndefined()
  })
})

describe('isTextTarget', () => {
  it('treats inputs, textareas and Monaco as text', () => {
    const monaco = document.createElement('div')
    monaco.className = 'monaco-editor'
    const inner = document.createElement('div')
    monaco.append(inner)
    expect(isTextTarget(document.createElement('input'))).toBe(true)
    expect(isTextTarget(document.createElement('textarea'))).toBe(true)
    expect(isTextTarget(inner)).toBe(true)
    expect(isTextTarget(document.createElement('button'))).toBe(false)
  })
})
