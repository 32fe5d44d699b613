/**
 * A file as a stream of UTF-8-checked text chunks. Import files can be
 * hundreds of MB, so nothing here holds more than one chunk; a bad byte is
 * refused with its line (the fatal TextDecoder only says that a chunk failed,
 * so the failing chunk is re-scanned to find where).
 */
import fs from 'node:fs'
import { WeftError } from '../../../common/errors'

/**
 * Bytes read per chunk. Small on purpose: rows of one chunk live until they are
 * written, and at 1 MB they outlive young-generation GC and swell the heap
 * (measured: peak RSS growth importing 100 MB fell from ~120 to ~60 MB).
 */
export const CHUNK_BYTES = 64 * 1024

/** A piece of the file's text, and how far into the file it reaches. */
export interface TextChunk {
  text: string
  /** Bytes of the file read so far, this chunk included. */
  bytesRead: number
}

/** The INVALID_FILE error for one problem at a line of an import file. */
export function fileProblem(file: string, line: number, message: string): WeftError {
  return new WeftError('INVALID_FILE', `${file}:${line}: ${message}`, [{ path: '', file, line, message }])
}

/**
 * Offset in `bytes` of the first byte that starts an ill-formed UTF-8
 * sequence (WHATWG rules), or -1. A sequence cut off by the end of `bytes`
 * counts as ill-formed only when `atEnd`.
 */
export function firstInvalidUtf8(bytes: Uint8Array, atEnd: boolean): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]!
    if (lead < 0x80) {
      i++
      continue
    }
    let need: number
    let low = 0x80
    let high = 0xbf
    if (lead >= 0xc2 && lead <= 0xdf) need = 1
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2
      if (lead === 0xe0) low = 0xa0 // overlong
      if (lead === 0xed) high = 0x9f // UTF-16 surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3
      if (lead === 0xf0) low = 0x90 // overlong
      if (lead === 0xf4) high = 0x8f // beyond U+10FFFF
    } else return i
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k]
      if (next === undefined) return atEnd ? i : -1
      if (next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i
    }
    i += need + 1
  }
  return -1
}

/** Bytes at the end of `bytes` that begin a UTF-8 sequence not yet complete (what a streaming decoder holds back). */
function incompleteTail(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!
    if (byte < 0x80) break
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
      return length > back ? bytes.subarray(bytes.length - back) : new Uint8Array(0)
    }
  }
  return new Uint8Array(0)
}

function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let count = 0
  for (let i = bytes.indexOf(10); i !== -1 && i < end; i = bytes.indexOf(10, i + 1)) count++
  return count
}

/**
 * The text of `filePath` chunk by chunk, BOM dropped. Throws INVALID_FILE
 * (naming `file`, default the path) with the line of the first byte that is
 * not UTF-8. Stopping the iteration early closes the file.
 */
export async function* readTextChunks(filePath: string, file = filePath): AsyncGenerator<TextChunk> {
  // ignoreBOM: false is what drops a leading BOM.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
  let bytesRead = 0
  let newlines = 0
  let previous: Uint8Array = new Uint8Array(0)
  const refuse = (offset: number, byte: number | undefined) =>
    fileProblem(
      file,
      newlines + 1,
      `not UTF-8 text (byte 0x${(byte ?? 0).toString(16).padStart(2, '0')} at offset ${offset}); save the file as UTF-8 and import it again`,
    )
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: CHUNK_BYTES })) {
    const bytes = chunk as Buffer
    let text: string
    try {
      text = decoder.decode(bytes, { stream: true })
    } catch {
      // Re-scan what the decoder saw: the bytes it held back from the last chunk, then this one.
      const carried = incompleteTail(previous)
      const scanned = new Uint8Array(carried.length + bytes.length)
      scanned.set(carried)
      scanned.set(bytes, carried.length)
      const at = Math.max(0, firstInvalidUtf8(scanned, false))
      const inChunk = at - carried.length
      // The text before the bad byte is still given out, so a preview can show the rows before it.
      const valid = new TextDecoder('utf-8', { ignoreBOM: bytesRead > 0 }).decode(scanned.subarray(0, at))
      if (valid.length > 0) yield { text: valid, bytesRead: bytesRead + Math.max(0, inChunk) }
      if (inChunk > 0) newlines += countNewlines(bytes, inChunk)
      throw refuse(bytesRead - carried.length + at, scanned[at])
    }
    newlines += countNewlines(bytes)
    bytesRead += bytes.length
    previous = bytes
    if (text.length > 0) yield { text, bytesRead }
  }
  try {
    const rest = decoder.decode()
    if (rest.length > 0) yield { text: rest, bytesRead }
  } catch {
    // The file ends in the middle of a character.
    const carried = incompleteTail(previous)
    throw refuse(bytesRead - carried.length, carried[0])
  }
}
