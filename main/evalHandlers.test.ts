import { describe, expect, it } from 'vitest'
import { formatEta } from './evalHandlers'

describe('evaluation progress', () => {
  it('says the time left as people say it', () => {
    expect([400, 45_000, 89_000, 95_000, 42 * 60_000, 80 * 60_000, 200 * 60_000].map(formatEta)).toEqual(['1 s', '45 s', '89 s', '2 min', '42 min', '80 min', '3 h 20 min'])
  })
})
