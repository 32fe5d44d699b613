/** Where the Annotate section is, in the URL hash: the queue list (`#/annotate`) or one queue (`#/annotate/queue/<name>`). */

/** The queue a hash names, or null for the list. */
export function queueFromHash(hash: string): string | null {
  const [section, view, name] = hash.replace(/^#\/?/, '').split('?')[0]!.split('/')
  if (section !== 'annotate' || view !== 'queue' || !name) return null
  try {
    return decodeURIComponent(name)
  } catch {
    return null
  }
}

/** The hash of a queue, or of the list. */
export function annotateHash(queue: string | null): string {
  return queue === null ? '#/annotate' : `#/annotate/queue/${encodeURIComponent(queue)}`
}
