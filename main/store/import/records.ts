/**
 * What every import reader yields: source records in batches, each with the
 * line it starts on, or a problem with its line. Readers throw only for what
 * stops reading altogether (not UTF-8, an over-long record, a broken JSON
 * array); a bad record is an item, so one import can report many.
 */
import fs from 'node:fs'
import path from 'node:path'
import { WeftError } from '../../../common/errors'

/** Formats a dataset can be imported from. */
export const IMPORT_FORMATS = ['csv', 'jsonl', 'json'] as const

/** One of {@link IMPORT_FORMATS}. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/**
 * The longest line (JSONL), row (CSV) or array element (JSON) read, in
 * characters (bytes, for ASCII text). Past it reading stops with an error
 * instead of growing one string until memory runs out.
 */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024

/** A source record (CSV row, JSONL line, JSON array element) and the 1-based line it starts on. */
export type SourceItem = { line: number; record: Record<string, unknown> } | { line: number; problem: string }

/** Items read from one chunk of the file. */
export interface SourceBatch {
  items: SourceItem[]
  /** Bytes of the file read so far. */
  bytesRead: number
}

/** What a reader learns about the file as it goes. */
export interface SourceInfo {
  /** CSV: the header, once read. */
  columns?: string[]
  /** CSV: the delimiter used (given or detected). */
  delimiter?: string
}

/** Options that change how records are read. */
export interface ReadOptions {
  /** CSV: `,`, `;`, `\t`, `|`…; detected from the first rows when absent. */
  delimiter?: string
  /** CSV: turn clearly numeric cells and `true`/`false` into numbers and booleans; default: every cell stays a string. */
  dynamicTyping?: boolean
}

/** `target[key] = value` as an own property even for `__proto__` (which plain assignment would treat as the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/** Describes a JSON value for a message: `an array`, `a number`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** Path of the first integer in `value` past 2^53 (JSON.parse has already changed its digits), or null. */
export function unsafeIntegerPath(value: unknown, at = ''): string | null {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value) ? at || '(value)' : null
  if (typeof value !== 'object' || value === null) return null
  for (const [key, child] of Object.entries(value)) {
    const found = unsafeIntegerPath(child, at ? `${at}.${key}` : key)
    if (found !== null) return found
  }
  return null
}

// Only text with 16+ digits in a row can hold an integer past 2^53, so most records skip the walk.
const LONG_DIGITS = /\d{16}/

/** A parsed JSON source record as an item: an object, or why not. */
export function jsonItem(text: string, line: number): SourceItem {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { line, problem: `not valid JSON: ${(error as Error).message}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, problem: `expected a JSON object, found ${describeJson(value)}` }
  }
  if (LONG_DIGITS.test(text)) {
    const unsafe = unsafeIntegerPath(value)
    if (unsafe !== null) return { line, problem: `${unsafe}: an integer past 2^53 loses digits when read; write it as a string` }
  }
  return { line, record: value as Record<string, unknown> }
}

/** The format a file's extension names, or null. */
function formatFromExtension(filePath: string): ImportFormat | null {
  const ext = path.extname(filePath).toLowerCase()
  if (ext === '.csv' || ext === '.tsv') return 'csv'
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl'
  return null
}

/**
 * The format of a file: from its extension, else from its first character
 * (`[` JSON array, `{` JSONL, anything else CSV). A `.json` file is sniffed
 * too, because many tools write JSONL under that name.
 */
export async function detectFormat(filePath: string): Promise<ImportFormat> {
  const byName = formatFromExtension(filePath)
  if (byName) return byName
  const handle = await fs.promises.open(filePath, 'r')
  try {
    const buffer = Buffer.alloc(4096)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    const head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\ufeff/, '').trimStart()
    if (head.startsWith('[')) return 'json'
    if (head.startsWith('{')) return 'jsonl'
    return 'csv'
  } finally {
    await handle.close()
  }
}

/** Size of the file; NOT_FOUND when it is missing or not a file. */
export async function fileSize(filePath: string): Promise<number> {
  try {
    const stat = await fs.promises.stat(filePath)
    if (stat.isFile()) return stat.size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  throw new WeftError('NOT_FOUND', `No file at ${filePath}`, [{ path: 'filePath', message: 'no such file' }])
}
