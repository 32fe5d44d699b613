/** Git's blob id of a text — the digest the object store gives the same content as a version. */
export async function gitBlobId(text: string): Promise<string> {
  const body = new TextEncoder().encode(text)
  // The header counts bytes, not characters.
  const header = new TextEncoder().encode(`blob ${body.length}\0`)
  const bytes = new Uint8Array(header.length + body.length)
  bytes.set(header)
  bytes.set(body, header.length)
  const digest = await crypto.subtle.digest('SHA-1', bytes)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
