import { describe, expect, it } from 'vitest'
import { gitBlobId } from '../state/gitBlobId'

describe('gitBlobId', () => {
  it('matches `git hash-object` (the store uses it as the version digest)', async () => {
    expect(await gitBlobId('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a')
    expect(await gitBlobId('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391')
    // Multi-byte text: the header counts bytes, not characters.
    expect(await gitBlobId('héllo — ✓\n')).toBe('f68dd70655fca87e3154932ae7b0353ea37cb5e4')
  })
})
