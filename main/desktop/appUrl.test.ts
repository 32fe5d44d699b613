import { describe, expect, it } from 'vitest'
import { isAppUrl } from './appUrl'

describe('isAppUrl', () => {
  it.each([
    ['weft://app/index.html', true],
    ['weft://app/index.html#/prompts', true],
    ['weft://app/', true],
    ['weft://app.evil/index.html', false],
    ['weft://appx/index.html', false],
    ['https://app/index.html', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isAppUrl(url, 'weft://app/index.html')).toBe(expected)
  })

  it('accepts only the dev server origin in development', () => {
    expect(isAppUrl('http://localhost:5173/#/traces', 'http://localhost:5173/')).toBe(true)
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
  })
})
