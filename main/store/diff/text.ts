/**
 * Line diffs through jsdiff: its hunks re-shaped with line numbers on both
 * sides (for the UI), and back to a unified diff (for the CLI).
 */
import type * as Jsdiff from 'diff'
import type { DiffHunk, DiffLine, TextDiff } from '../../../common/schemas/diff'
import { lazyRequire } from '../../lazyRequire'

// Required on first diff, not at start-up: jsdiff costs ~10-15 ms to load and most commands never diff.
const loadJsdiff = lazyRequire<typeof Jsdiff>('diff')

/** Lines of context around each change, as `git diff` shows. */
export const DEFAULT_CONTEXT = 3

/**
 * Edits beyond which jsdiff gives up aligning (Myers is O(N·D)); past it the
 * diff replaces the whole text. A count, not a timeout, so the answer does
 * not depend on how busy the machine is.
 */
const MAX_EDIT_LENGTH = 2000

const NO_NEWLINE = '\\ No newline at end of file'

/** Line diff of two texts (null = did not exist, diffed as empty). */
export function diffText(before: string | null, after: string | null, context = DEFAULT_CONTEXT): TextDiff {
  const oldText = before ?? ''
  const newText = after ?? ''
  if (oldText === newText) return { hunks: [], stats: { added: 0, removed: 0 } }
  const patch = loadJsdiff().structuredPatch('before', 'after', oldText, newText, undefined, undefined, { context, maxEditLength: MAX_EDIT_LENGTH })
  if (!patch) return wholeTextDiff(oldText, newText)
  const stats = { added: 0, removed: 0 }
  const hunks = patch.hunks.map((hunk): DiffHunk => {
    let oldLine = hunk.oldStart
    let newLine = hunk.newStart
    const lines: DiffLine[] = []
    for (const raw of hunk.lines) {
      const marker = raw[0]
      const text = raw.slice(1)
      if (marker === '\\') {
        const last = lines.at(-1)
        if (last) last.noNewlineAtEnd = true
      } else if (marker === '+') {
        lines.push({ type: 'added', text, oldLine: null, newLine: newLine++ })
        stats.added++
      } else if (marker === '-') {
        lines.push({ type: 'removed', text, oldLine: oldLine++, newLine: null })
        stats.removed++
      } else {
        lines.push({ type: 'context', text, oldLine: oldLine++, newLine: newLine++ })
      }
    }
    return { oldStart: hunk.oldStart, oldLines: hunk.oldLines, newStart: hunk.newStart, newLines: hunk.newLines, lines }
  })
  return { hunks, stats }
}

/** Splits text into lines the way a unified diff counts them (a final newline ends the last line). */
function splitLines(text: string): { lines: string[]; endsWithNewline: boolean } {
  if (text === '') return { lines: [], endsWithNewline: true }
  const lines = text.split('\n')
  const endsWithNewline = lines.at(-1) === ''
  if (endsWithNewline) lines.pop()
  return { lines, endsWithNewline }
}

/** The coarse diff: every old line removed, every new line added, in one hunk. */
function wholeTextDiff(oldText: string, newText: string): TextDiff {
  const old = splitLines(oldText)
  const neu = splitLines(newText)
  const lines: DiffLine[] = [
    ...old.lines.map((text, i): DiffLine => ({ type: 'removed', text, oldLine: i + 1, newLine: null })),
    ...neu.lines.map((text, i): DiffLine => ({ type: 'added', text, oldLine: null, newLine: i + 1 })),
  ]
  if (!old.endsWithNewline) lines[old.lines.length - 1]!.noNewlineAtEnd = true
  if (!neu.endsWithNewline) lines[lines.length - 1]!.noNewlineAtEnd = true
  const hunk: DiffHunk = {
    // jsdiff's convention: an empty side still starts at 1 (formatPatch prints it as 0,0).
    oldStart: 1,
    oldLines: old.lines.length,
    newStart: 1,
    newLines: neu.lines.length,
    lines,
  }
  return { hunks: [hunk], stats: { added: neu.lines.length, removed: old.lines.length }, coarse: true }
}

/** Labels for the `---` / `+++` header lines of a unified diff. */
export interface DiffLabels {
  /** e.g. `a/prompts/summarize.prompt@v3`, or `/dev/null` when it did not exist. */
  before: string
  after: string
}

/** A text diff as a unified diff (`--- a`, `+++ b`, `@@ … @@`); empty when nothing changed. */
export function formatUnifiedDiff(diff: TextDiff, labels: DiffLabels): string {
  if (diff.hunks.length === 0) return ''
  const { FILE_HEADERS_ONLY, formatPatch } = loadJsdiff()
  const patch: Jsdiff.StructuredPatch = {
    oldFileName: labels.before,
    newFileName: labels.after,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: diff.hunks.map((hunk) => ({
      oldStart: hunk.oldStart,
      oldLines: hunk.oldLines,
      newStart: hunk.newStart,
      newLines: hunk.newLines,
      lines: hunk.lines.flatMap((line) => {
        const text = `${line.type === 'added' ? '+' : line.type === 'removed' ? '-' : ' '}${line.text}`
        return line.noNewlineAtEnd ? [text, NO_NEWLINE] : [text]
      }),
    })),
  }
  return formatPatch(patch, FILE_HEADERS_ONLY)
}
