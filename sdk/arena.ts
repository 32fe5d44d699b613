/**
 * The export queue: encoded spans written as UTF-8 straight into reusable
 * off-heap buffers, one buffer per batch. A finished span's text is garbage
 * the moment it is written, so the collector never copies queued spans
 * around (queued strings surviving young-generation collections cost more
 * than encoding them), a batch is sent without a join, and memory is bounded
 * by bytes exactly.
 */

/** A batch: `[span,span,…]` without the brackets, and where each span ends. */
export interface Batch {
  bytes: Buffer
  /** Offset just past each span (the comma, if any, follows it). */
  ends: number[]
  /** The pooled buffer to give back when the batch is done, if any. */
  owner?: Buffer
}

/** Limits of the queue. */
export interface ArenaLimits {
  maxQueueSpans: number
  maxQueueBytes: number
  maxBatchSpans: number
  maxBatchBytes: number
}

interface Chunk {
  buf: Buffer
  used: number
  ends: number[]
}

const COMMA = 44

/**
 * Buffer's own UTF-8 writer (what `buf.write` calls after parsing its optional
 * arguments): present on every Node Buffer, just untyped; a third of the
 * write's cost on the hot path was argument parsing.
 */
type Utf8Writable = Buffer & { utf8Write(text: string, offset: number): number }

/** Sealed batches waiting to be sent, plus the one being filled. */
export class SpanArena {
  private current: Chunk | undefined
  private readonly ready: Chunk[] = []
  private readonly spare: Buffer[] = []
  private spans = 0
  /** Bytes written and not yet taken: what the byte bound counts (untouched buffer pages cost no memory). */
  private held = 0

  constructor(private readonly limits: ArenaLimits) {}

  /** Spans queued (sealed or not). */
  get queued(): number {
    return this.spans
  }

  /** Sealed batches ready to send. */
  get readyCount(): number {
    return this.ready.length
  }

  /** Appends one span; false when the queue is full (the caller counts the drop). */
  append(text: string): boolean {
    if (this.spans >= this.limits.maxQueueSpans) return false
    let chunk = this.current
    // Three bytes per UTF-16 unit is the worst case; measure exactly only when that bound is not enough.
    let size = text.length * 3
    if (chunk !== undefined && (chunk.ends.length >= this.limits.maxBatchSpans || chunk.used + size + 1 > chunk.buf.length)) {
      size = Buffer.byteLength(text)
      if (chunk.ends.length >= this.limits.maxBatchSpans || chunk.used + size + 1 > chunk.buf.length) {
        this.seal()
        chunk = undefined
      }
    }
    if (this.held + size > this.limits.maxQueueBytes || (chunk === undefined && size > this.limits.maxBatchBytes)) {
      size = Buffer.byteLength(text)
      if (this.held + size > this.limits.maxQueueBytes) return false
    }
    // A span larger than a batch gets a buffer of its own.
    chunk ??= this.current = { buf: this.allocate(Math.max(this.limits.maxBatchBytes, size)), used: 0, ends: [] }
    const before = chunk.used
    if (chunk.ends.length > 0) chunk.buf[chunk.used++] = COMMA
    chunk.used += (chunk.buf as Utf8Writable).utf8Write(text, chunk.used)
    this.held += chunk.used - before
    chunk.ends.push(chunk.used)
    this.spans++
    return true
  }

  /** Makes the partial batch being filled ready to send. */
  seal(): void {
    const chunk = this.current
    if (chunk === undefined || chunk.ends.length === 0) return
    this.ready.push(chunk)
    this.current = undefined
  }

  /** The oldest ready batch, now owned by the caller (give it back with `release`). */
  take(): Batch | undefined {
    const chunk = this.ready.shift()
    if (chunk === undefined) return undefined
    this.spans -= chunk.ends.length
    this.held -= chunk.used
    return { bytes: chunk.buf.subarray(0, chunk.used), ends: chunk.ends, owner: chunk.buf }
  }

  /** Returns a sent (or given up) batch's buffer for reuse. */
  release(batch: Batch): void {
    // Two spare buffers cover steady state (one filling, one in flight); more would only hold memory.
    if (batch.owner !== undefined && batch.owner.length === this.limits.maxBatchBytes && this.spare.length < 2) this.spare.push(batch.owner)
    batch.owner = undefined
  }

  private allocate(capacity: number): Buffer {
    if (capacity === this.limits.maxBatchBytes) {
      const reused = this.spare.pop()
      if (reused !== undefined) return reused
    }
    // allocUnsafe: pages are only touched (and counted in RSS) as spans are written.
    return Buffer.allocUnsafe(capacity)
  }
}

/** The two halves of a batch, for a server that answered 413. */
export function splitBatch(batch: Batch): [Batch, Batch] {
  const half = batch.ends.length >> 1
  const cut = batch.ends[half - 1]!
  const second = batch.ends.slice(half).map((end) => end - cut - 1)
  return [
    { bytes: batch.bytes.subarray(0, cut), ends: batch.ends.slice(0, half) },
    { bytes: batch.bytes.subarray(cut + 1), ends: second },
  ]
}
