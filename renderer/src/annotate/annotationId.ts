/**
 * Annotation ids. One annotation exists per (queue, item, annotator) and every
 * edit of it keeps its id, so the workbench can keep the newest edit and a
 * resubmission is harmless. The id is derived from those three (SHA-1, hex):
 * the same annotator reaches the same id on any machine or after clearing the
 * browser, so two windows never make two annotations of one item.
 */

/** The id of `annotator`'s annotation of `itemId` in `queue` (40 hex characters). */
export async function annotationId(queue: string, itemId: string, annotator: string): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(['weft-annotation', queue, itemId, annotator]))
  const digest = await crypto.subtle.digest('SHA-1', bytes)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
