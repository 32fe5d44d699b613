import { describe, expect, test } from 'vitest'
import { decodeDraft, encodeDigestBase, encodeEdits } from './draftFormat'
import { gitBlobId } from '../state/gitBlobId'

describe('dataset drafts', () => {
  test('edits round-trip with their version; anything else is whole text', () => {
    const edits = [{ type: 'add' as const, index: 0, row: { id: 'x' } }]
    expect(decodeDraft(encodeEdits(edits), encodeDigestBase('ab'.repeat(20)))).toEqual({ form: 'edits', digest: 'ab'.repeat(20), edits })
    expect(decodeDraft('{"id":"b"}\n', '{"id":"a"}\n')).toEqual({ form: 'text', text: '{"id":"b"}\n', baseText: '{"id":"a"}\n' })
  })

  test('a text hashes to its git blob id (the version digest)', async () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(await gitBlobId('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a')
  })
})
