/**
 * Dataset import (CSV, JSONL, JSON array) and export (CSV, JSONL, JSON),
 * streamed so files of hundreds of MB never sit in memory as one string.
 *
 * An import is all or nothing: every bad record is collected (the first 20
 * are listed, all are counted), and if there is any, nothing is written to
 * the destination. Rows go to `<dest>.tmp`, renamed over the destination
 * only once the whole file has been read without a problem.
 */
import fs from 'node:fs'
import path from 'node:path'
import type Papa from 'papaparse'
import { WeftError, type ErrorIssue } from '../../common/errors'
import { lazyRequire } from '../lazyRequire'
import { MAX_LINE_BYTES } from './formats/dataset'
import { readCsvRecords } from './import/csv'
import { readJsonArrayRecords } from './import/jsonArray'

// Required on the first CSV export, not at start-up: every command pays for start-up imports.
const loadPapaparse = lazyRequire<typeof Papa>('papaparse')
import { readJsonlRecords } from './import/jsonl'
import { IMPORT_FORMATS, detectFormat, fileSize, setOwn, type ImportFormat, type ReadOptions, type SourceBatch, type SourceInfo } from './import/records'
import { IdAssigner, RowShaper, checkColumns, checkRowOptions, type RowOptions } from './import/rows'

export { IMPORT_FORMATS, MAX_RECORD_CHARS, type ImportFormat } from './import/records'

/** Problems listed in an error; the message still counts them all. */
export const MAX_LISTED_PROBLEMS = 20

/** Options of {@link previewImport}. */
export interface PreviewOptions extends ReadOptions {
  /** Detected from the extension, else the first character, when absent. */
  format?: ImportFormat
  /** Records to read (rows and bad records together); default 20. */
  limit?: number
}

/** The head of a file to import, for choosing a mapping. */
export interface ImportPreview {
  format: ImportFormat
  /** CSV: the header; JSON/JSONL: the keys of the rows read, in first-seen order. */
  columns: string[]
  /** Source records as read (before mapping and ids). */
  rows: Record<string, unknown>[]
  /** Problems in the records read, with lines; a file that stops reading (not UTF-8…) has its reason here too. */
  errors: ErrorIssue[]
  totalBytes: number
  /** CSV: the delimiter used (given or detected). */
  delimiter?: string
}

/** How far an import is. */
export interface ImportProgress {
  bytesRead: number
  totalBytes: number
  rows: number
}

/** Options of {@link importDataset}. */
export interface ImportOptions extends ReadOptions, RowOptions {
  format?: ImportFormat
  /** Called after each chunk (about 1 MB) of the file. */
  onProgress?: (progress: ImportProgress) => void
}

/** What an import wrote. `errors` is always empty: any error fails the whole import. */
export interface ImportResult {
  rows: number
  /** Top-level fields of the rows, `id` first, in first-seen order. */
  columns: string[]
  errors: ErrorIssue[]
}

/** Formats a dataset can be exported to. */
export type ExportFormat = 'csv' | 'jsonl' | 'json'

/** Collects problems of one file: the first 20 listed, all counted. */
class Problems {
  readonly listed: ErrorIssue[] = []
  count = 0

  constructor(private readonly file: string) {}

  add(line: number | undefined, message: string): void {
    if (this.count++ < MAX_LISTED_PROBLEMS) this.listed.push({ path: '', file: this.file, ...(line ? { line } : {}), message })
  }

  /** The INVALID_FILE error for everything collected. */
  error(outcome: string): WeftError {
    const first = this.listed[0]!
    const more = this.count > 1 ? ` (${this.count} problems${this.count > MAX_LISTED_PROBLEMS ? `, the first ${MAX_LISTED_PROBLEMS} listed` : ''})` : ''
    return new WeftError('INVALID_FILE', `${this.file}:${first.line ?? ''}: ${first.message}${more}; ${outcome}`, this.listed)
  }
}

function checkFormat(format: unknown, allowed: readonly string[], field: string): void {
  if (format !== undefined && !allowed.includes(format as string)) {
    const message = `must be one of ${allowed.join(', ')}`
    throw new WeftError('INVALID_REQUEST', `${field} ${message}`, [{ path: field, message }])
  }
}

/** The records of a file in the given format. */
function readRecords(filePath: string, format: ImportFormat, options: ReadOptions, info: SourceInfo): AsyncGenerator<SourceBatch> {
  if (format === 'csv') return readCsvRecords(filePath, filePath, options, info)
  if (format === 'jsonl') return readJsonlRecords(filePath, filePath)
  return readJsonArrayRecords(filePath, filePath)
}

/** Adds the keys of `row` to `columns` (a Set keeps first-seen order). */
function addKeys(columns: Set<string>, row: object): void {
  for (const key of Object.keys(row)) if (!columns.has(key)) columns.add(key)
}

/** The first records of a file to import, its columns and the problems among them. Reads only what it shows. */
export async function previewImport(filePath: string, options: PreviewOptions = {}): Promise<ImportPreview> {
  checkFormat(options.format, IMPORT_FORMATS, 'format')
  const limit = options.limit ?? 20
  if (!Number.isInteger(limit) || limit < 1) throw new WeftError('INVALID_REQUEST', 'limit must be a whole number ≥ 1', [{ path: 'limit', message: 'must be a whole number ≥ 1' }])
  const totalBytes = await fileSize(filePath)
  const format = options.format ?? (await detectFormat(filePath))
  const info: SourceInfo = {}
  const rows: Record<string, unknown>[] = []
  const problems = new Problems(filePath)
  try {
    read: for await (const batch of readRecords(filePath, format, options, info)) {
      for (const item of batch.items) {
        if ('problem' in item) problems.add(item.line, item.problem)
        else rows.push(item.record)
        if (rows.length + problems.count >= limit) break read
      }
    }
  } catch (error) {
    // What stops reading is shown with the rows read before it, not thrown.
    if (!(error instanceof WeftError && error.code === 'INVALID_FILE')) throw error
    for (const issue of error.issues ?? [{ path: '', message: error.message }]) problems.add(issue.line, issue.message)
  }
  const columns = info.columns ?? [...rows.reduce((set, row) => (addKeys(set, row), set), new Set<string>())]
  return { format, columns, rows, errors: problems.listed, totalBytes, ...(info.delimiter ? { delimiter: info.delimiter } : {}) }
}

interface PassResult {
  rows: number
  records: number
  columns: string[]
}

/** One read of the source into `tmpPath`; throws when any record is bad. */
async function importPass(filePath: string, tmpPath: string, format: ImportFormat, options: ImportOptions, ids: IdAssigner, totalBytes: number): Promise<PassResult> {
  const info: SourceInfo = {}
  const shaper = new RowShaper(options)
  const problems = new Problems(filePath)
  const columns = new Set<string>()
  let records = 0
  let rows = 0
  let checkedHeader = false
  const out = await fs.promises.open(tmpPath, 'w')
  try {
    for await (const batch of readRecords(filePath, format, options, info)) {
      if (!checkedHeader && info.columns) {
        checkColumns(options, info.columns)
        checkedHeader = true
      }
      let text = ''
      for (const item of batch.items) {
        records++
        if ('problem' in item) {
          problems.add(item.line, item.problem)
          continue
        }
        const shaped = shaper.shape(item.record)
        if ('problem' in shaped) {
          problems.add(item.line, shaped.problem)
          continue
        }
        const assigned = ids.assign(shaped.rawId, records, item.line)
        if ('problem' in assigned) {
          problems.add(item.line, assigned.problem)
          continue
        }
        // After a problem nothing more is written, but reading goes on to report every problem at once.
        if (problems.count > 0) continue
        const row: Record<string, unknown> = { id: assigned.id }
        for (const key of Object.keys(shaped.fields)) if (key !== 'id') setOwn(row, key, shaped.fields[key])
        const line = JSON.stringify(row)
        if (line.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(line) > MAX_LINE_BYTES) {
          problems.add(item.line, `the row is larger than ${MAX_LINE_BYTES / 1024 / 1024} MB, the most a dataset row may take`)
          continue
        }
        addKeys(columns, row)
        text += `${line}\n`
        rows++
      }
      if (problems.count === 0 && text) await out.write(text)
      options.onProgress?.({ bytesRead: batch.bytesRead, totalBytes, rows })
    }
    if (!checkedHeader && info.columns) checkColumns(options, info.columns)
    if (problems.count > 0) throw problems.error('nothing was imported')
    const unseen = format === 'csv' || records === 0 ? [] : shaper.unseen()
    if (unseen.length > 0) throw new WeftError('INVALID_REQUEST', `Cannot import with these options: ${unseen[0]!.path}: ${unseen[0]!.message}`, unseen)
    await out.sync()
  } finally {
    await out.close()
  }
  return { rows, records, columns: [...columns] }
}

/**
 * Imports a CSV, JSONL or JSON-array file as a canonical JSONL dataset at
 * `destPath` (one `JSON.stringify` row per line, `id` first). Throws
 * INVALID_FILE listing bad records with their lines (destPath untouched),
 * INVALID_REQUEST for options that do not fit the file, NOT_FOUND for no file.
 */
export async function importDataset(filePath: string, destPath: string, options: ImportOptions = {}): Promise<ImportResult> {
  checkFormat(options.format, IMPORT_FORMATS, 'format')
  checkRowOptions(options)
  const totalBytes = await fileSize(filePath)
  const format = options.format ?? (await detectFormat(filePath))
  const tmpPath = `${destPath}.tmp`
  await fs.promises.mkdir(path.dirname(destPath), { recursive: true })
  try {
    let ids = new IdAssigner()
    let result = await importPass(filePath, tmpPath, format, options, ids, totalBytes)
    if (ids.collided) {
      // An assigned row-<N> is some row's explicit id: read again knowing them all (rows.ts explains).
      ids = new IdAssigner(new Set(ids.explicit.keys()), result.records)
      result = await importPass(filePath, tmpPath, format, options, ids, totalBytes)
    }
    await fs.promises.rename(tmpPath, destPath)
    return { rows: result.rows, columns: result.columns, errors: [] }
  } catch (error) {
    await fs.promises.rm(tmpPath, { force: true })
    throw error
  }
}

/** A value as one CSV cell: text as is, numbers and booleans printed, objects and arrays as JSON, null and missing empty. */
function csvCell(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** Every row of a JSONL dataset; throws INVALID_FILE for any bad line. */
async function* datasetRows(jsonlPath: string): AsyncGenerator<Record<string, unknown>[]> {
  const problems = new Problems(jsonlPath)
  for await (const batch of readJsonlRecords(jsonlPath, jsonlPath)) {
    const rows: Record<string, unknown>[] = []
    for (const item of batch.items) {
      if ('problem' in item) problems.add(item.line, item.problem)
      else rows.push(item.record)
    }
    if (problems.count === 0) yield rows
  }
  if (problems.count > 0) throw problems.error('nothing was exported')
}

/**
 * Exports a JSONL dataset as CSV (RFC 4180, CRLF; columns are every
 * top-level key in first-seen order, found by a first pass; nested values as
 * JSON text), JSONL or a JSON array. Written to `<out>.tmp`, then renamed.
 */
export async function exportDataset(jsonlPath: string, outPath: string, options: { format: ExportFormat }): Promise<{ rows: number; columns: string[] }> {
  checkFormat(options.format, ['csv', 'jsonl', 'json'], 'format')
  await fileSize(jsonlPath)
  const columnSet = new Set<string>()
  let count = 0
  if (options.format === 'csv') for await (const rows of datasetRows(jsonlPath)) for (const row of rows) addKeys(columnSet, row)
  // CSV needs its header before the first row, hence a first pass; the others collect columns as they go.
  const columns = [...columnSet]
  // With one column an empty cell would be a blank line, which readers skip: quote it.
  const csvOptions: Papa.UnparseConfig = { newline: '\r\n', ...(columns.length === 1 ? { quotes: (value: unknown) => value === '' } : {}) }
  const tmpPath = `${outPath}.tmp`
  const out = await fs.promises.open(tmpPath, 'w')
  try {
    if (options.format === 'csv' && columns.length > 0) await out.write(`${loadPapaparse().unparse([columns], { newline: '\r\n' })}\r\n`)
    if (options.format === 'json') await out.write('[')
    for await (const rows of datasetRows(jsonlPath)) {
      if (rows.length === 0) continue
      let text: string
      if (options.format === 'csv') text = `${loadPapaparse().unparse(rows.map((row) => columns.map((c) => csvCell(row[c]))), csvOptions)}\r\n`
      else if (options.format === 'json') text = `${count > 0 ? ',' : ''}\n${rows.map((row) => JSON.stringify(row)).join(',\n')}`
      else text = rows.map((row) => `${JSON.stringify(row)}\n`).join('')
      count += rows.length
      if (options.format !== 'csv') for (const row of rows) addKeys(columnSet, row)
      await out.write(text)
    }
    if (options.format === 'json') await out.write(count > 0 ? '\n]\n' : ']\n')
    await out.sync()
    await out.close()
    await fs.promises.rename(tmpPath, outPath)
  } catch (error) {
    await out.close().catch(() => {})
    await fs.promises.rm(tmpPath, { force: true })
    throw error
  }
  return { rows: count, columns: [...columnSet] }
}
