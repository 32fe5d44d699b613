/**
 * Weave's digests (weave/shared/digest.py), which the SDK turns into refs:
 * objects and rows hash Python's `json.dumps(val, sort_keys=True)`, tables hash
 * their row digests in order, files hash their bytes.
 */
import crypto from 'node:crypto'
import { pythonDumps, type PyValue } from './pyjson'

/** SHA-256, URL-safe base64 with `-`→`X`, `_`→`Y`, unpadded (43 characters). */
export function bytesDigest(bytes: Uint8Array | string): string {
  return crypto.createHash('sha256').update(bytes).digest('base64url').replace(/-/g, 'X').replace(/_/g, 'Y')
}

/** An object's (or table row's) digest. */
export function valueDigest(value: PyValue): string {
  return bytesDigest(Buffer.from(pythonDumps(value), 'utf8'))
}

/** A table's digest: hex SHA-256 over its row digests, so it depends on row order. */
export function tableDigest(rowDigests: readonly string[]): string {
  const hash = crypto.createHash('sha256')
  for (const digest of rowDigests) hash.update(digest)
  return hash.digest('hex')
}
