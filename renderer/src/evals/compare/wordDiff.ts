/** Word-level differences between two outputs, as plain-text segments for each side. */
// Only the word differ: the package's index would pull every differ into the bundle.
import { diffWordsWithSpace } from 'diff/lib/diff/word.js'

/** A run of text on one side: unchanged, or only on this side. */
export interface Segment {
  text: string
  changed: boolean
}

/** Past this many characters (either side) outputs are shown without highlights: the diff would cost more than it tells. */
export const WORD_DIFF_LIMIT = 20_000

/** Segments of the baseline and candidate texts; null when they are too long or the diff gives up (50 ms). */
export function wordDiff(before: string, after: string): { before: Segment[]; after: Segment[] } | null {
  if (before.length > WORD_DIFF_LIMIT || after.length > WORD_DIFF_LIMIT) return null
  const changes = diffWordsWithSpace(before, after, { timeout: 50 })
  if (!changes) return null
  const left: Segment[] = []
  const right: Segment[] = []
  for (const change of changes) {
    if (!change.added) left.push({ text: change.value, changed: !!change.removed })
    if (!change.removed) right.push({ text: change.value, changed: !!change.added })
  }
  return { before: left, after: right }
}
