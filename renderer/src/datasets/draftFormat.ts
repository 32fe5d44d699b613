/**
 * How a dataset draft sits in the shared drafts table. Small datasets store
 * what every draft stores — the whole text as edited (`content`) and the
 * version's text it began from (`base`) — so the app-wide drafts banner can
 * compare them with the file. A large dataset's draft is its list of edits
 * with `base` = `digest:<version>`: rewriting 100 MB into IndexedDB on each
 * edit would stall the tab.
 */
import type { Edit } from './edits'

/** Above this many characters of version text, drafts store edits instead of the whole JSONL. */
export const WHOLE_TEXT_DRAFT_LIMIT = 2 * 1024 * 1024

const EDITS_FORMAT = 'weft-dataset-edits/1'
const DIGEST_PREFIX = 'digest:'

/** A stored draft, read back. */
export type DecodedDraft = { form: 'edits'; digest: string; edits: Edit[] } | { form: 'text'; text: string; baseText: string }

/** The `content` of an edits-form draft. */
export function encodeEdits(edits: readonly Edit[]): string {
  return JSON.stringify({ format: EDITS_FORMAT, edits })
}

/** The `base` of an edits-form draft. */
export function encodeDigestBase(digest: string): string {
  return DIGEST_PREFIX + digest
}

/** Reads a stored draft row's content and base. */
export function decodeDraft(content: string, base: string): DecodedDraft {
  if (base.startsWith(DIGEST_PREFIX)) {
    try {
      const value = JSON.parse(content) as { format?: unknown; edits?: unknown }
      if (value.format === EDITS_FORMAT && Array.isArray(value.edits)) return { form: 'edits', digest: base.slice(DIGEST_PREFIX.length), edits: value.edits as Edit[] }
    } catch {}
  }
  return { form: 'text', text: content, baseText: base }
}

