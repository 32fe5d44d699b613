import { describe, expect, it } from 'vitest'
import { WeftError } from './errors'
import { formatRef, formatRefUri, labelNameProblem, objectNameProblem, parseRef } from './refs'

describe('parseRef', () => {
  it.each([
    ['prompt:summarize', { kind: 'prompt', name: 'summarize', selector: { type: 'latest' } }],
    ['prompt:summarize@latest', { kind: 'prompt', name: 'summarize', selector: { type: 'latest' } }],
    ['dataset:tickets@v3', { kind: 'dataset', name: 'tickets', selector: { type: 'ordinal', n: 3 } }],
    ['model:fast@1a2b3c4', { kind: 'model', name: 'fast', selector: { type: 'digest', prefix: '1a2b3c4' } }],
    ['prompt:summarize@production', { kind: 'prompt', name: 'summarize', selector: { type: 'name', name: 'production' } }],
    ['prompt:summarize@feature/x', { kind: 'prompt', name: 'summarize', selector: { type: 'name', name: 'feature/x' } }],
    ['weft://prompt/summarize@v3', { kind: 'prompt', name: 'summarize', selector: { type: 'ordinal', n: 3 } }],
    ['weft://evaluation/regression', { kind: 'evaluation', name: 'regression', selector: { type: 'latest' } }],
  ])('%s', (text, expected) => {
    expect(parseRef(text)).toEqual(expected)
  })

  it('uses a default kind for bare names', () => {
    expect(parseRef('tickets@v2', 'dataset')).toMatchObject({ kind: 'dataset', name: 'tickets' })
  })

  it.each([
    ['summarize', 'say which kind'],
    ['spreadsheet:x', 'unknown kind'],
    ['prompt:../etc/passwd', 'name may use'],
    ['prompt:a/b', 'name may use'],
    ['prompt:.hidden', 'name may use'],
    ['prompt:x@a@b', 'one word'],
    ['prompt:', 'name may use'],
  ])('refuses %s', (text, message) => {
    expect(() => parseRef(text)).toThrow(WeftError)
    expect(() => parseRef(text)).toThrow(message)
  })

  it('round-trips through formatRef and the URI form', () => {
    for (const text of ['prompt:a@v2', 'dataset:b@production', 'model:c@abcd12', 'scorer:d@latest']) {
      expect(formatRef(parseRef(text))).toBe(text)
    }
    expect(formatRefUri({ kind: 'prompt', name: 'summarize', selector: 'v3' })).toBe('weft://prompt/summarize@v3')
  })
})

describe('names', () => {
  it('refuses path tricks and reserved names', () => {
    for (const bad of ['../x', 'a/b', 'a\\b', 'con', 'nul.txt', 'x..y', 'x.', '', '.git']) expect(objectNameProblem(bad)).not.toBeNull()
    for (const good of ['summarize', 'v2-final', 'tickets_2024.clean']) expect(objectNameProblem(good)).toBeNull()
  })

  it('refuses labels that would read as something else', () => {
    for (const bad of ['latest', 'v3', 'abcd', '1abc', 'a..b', 'x.lock']) expect(labelNameProblem(bad)).not.toBeNull()
    for (const good of ['production', 'staging', 'canary-2']) expect(labelNameProblem(good)).toBeNull()
  })
})
