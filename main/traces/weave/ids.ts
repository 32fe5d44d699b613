/**
 * Ids the Weave protocol mints on the server side (calls started without one,
 * feedback): UUIDv7 like the SDK's, so they sort by time.
 */
import crypto from 'node:crypto'

// Random bytes are drawn 4 KB at a time: one randomBytes call per id was 5 µs, a seventh of online scoring's time.
let pool = Buffer.alloc(0)
let used = 0
function random16(): Buffer {
  if (used + 16 > pool.length) {
    pool = crypto.randomBytes(4096)
    used = 0
  }
  used += 16
  return Buffer.from(pool.subarray(used - 16, used))
}

/** A new UUIDv7. */
export function uuidv7(now = Date.now()): string {
  const bytes = random16()
  let ms = now
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256
    ms = Math.floor(ms / 256)
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A parsed `weave:///entity/project/kind/…` ref. */
export interface WeaveRef {
  projectId: string
  kind: 'object' | 'op' | 'table' | 'call'
  /** Object or op name; the table digest; the call id. */
  name: string
  /** Object or op version (digest, `latest` or `vN`); undefined for tables and calls. */
  version?: string
  /** Path parts after the version: `attr`, `rows`, `id`, `<rowDigest>`, … */
  extra: string[]
}

/** Parses a Weave ref URI (also the server's internal `weave-trace-internal:///` form), or undefined. */
export function parseWeaveRef(uri: string): WeaveRef | undefined {
  const m = /^weave(?:-trace-internal)?:\/\/\/([^/]+)\/([^/]+)\/(object|op|table|call)\/(.+)$/.exec(uri)
  if (!m) return undefined
  const [, entity, project, kind, rest] = m as unknown as [string, string, string, WeaveRef['kind'], string]
  const parts = rest.split('/').map(decodeURIComponent)
  const head = parts.shift()!
  if (kind === 'object' || kind === 'op') {
    const colon = head.lastIndexOf(':')
    const name = colon < 0 ? head : head.slice(0, colon)
    const version = colon < 0 ? 'latest' : head.slice(colon + 1)
    if (!name || !version) return undefined
    return { projectId: `${entity}/${project}`, kind, name, version, extra: parts }
  }
  return head ? { projectId: `${entity}/${project}`, kind, name: head, extra: parts } : undefined
}
