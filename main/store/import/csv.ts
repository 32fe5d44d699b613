/**
 * CSV import through papaparse, streamed: our UTF-8-checked text chunks go in
 * as a Node stream, rows come out of papaparse's `chunk` callback and are
 * handed to an async generator, one batch per chunk. The source is paused while the
 * consumer is behind, so memory stays flat for any file size.
 *
 * The header row is read here rather than by papaparse (`header: false`) so
 * a duplicate column is refused instead of silently renamed, and a row with
 * the wrong number of fields is reported with its line.
 */
import { Readable } from 'node:stream'
import type Papa from 'papaparse'
import { lazyRequire } from '../../lazyRequire'
import { fileProblem, readTextChunks } from './decode'
import { MAX_RECORD_CHARS, setOwn, type ReadOptions, type SourceBatch, type SourceInfo, type SourceItem } from './records'

// Required on the first CSV import, not at start-up: every command pays for start-up imports.
const loadPapaparse = lazyRequire<typeof Papa>('papaparse')

// "Clearly numeric": digits in JSON's number syntax that print back the same, so
// zip codes (`02139`), `1.50`, `1e3` and ids past 2^53 stay text.
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** A cell with dynamic typing: a number or boolean when the text is unambiguously one, else the text. */
export function typeCell(text: string): string | number | boolean {
  if (text === 'true') return true
  if (text === 'false') return false
  if (NUMBER.test(text)) {
    const value = Number(text)
    if (Number.isFinite(value) && String(value) === text) return value
  }
  return text
}

/**
 * papaparse's own delimiter guess over the first rows, with blank lines
 * skipped: in streaming mode it guesses with them, and a small file's
 * trailing blank line is enough to make it give up and fall back to ",".
 */
function guessDelimiter(sample: string): string {
  return loadPapaparse().parse<string[]>(sample, { preview: 10, skipEmptyLines: true }).meta.delimiter
}

/** Rows parsed but not yet taken by the consumer before the file is paused. */
const MAX_QUEUED_ROWS = 4000

const isBlankRow = (row: string[]) => row.length === 0 || (row.length === 1 && row[0]!.trim() === '')

/** Line breaks inside a row's (quoted) fields: how many extra lines the row spans. */
function breaksIn(row: string[], linebreak: string): number {
  const mark = linebreak === '\r' ? '\r' : '\n'
  let count = 0
  for (const field of row) for (let i = field.indexOf(mark); i !== -1; i = field.indexOf(mark, i + 1)) count++
  return count
}

/** Header names, trimmed; an empty one becomes `column<N>`; a duplicate is an error. */
function readHeader(row: string[], file: string, line: number): string[] {
  const names = row.map((name, i) => name.trim() || `column${i + 1}`)
  const firstAt = new Map<string, number>()
  names.forEach((name, i) => {
    const earlier = firstAt.get(name)
    if (earlier !== undefined) throw fileProblem(file, line, `the header names column "${name}" twice (columns ${earlier + 1} and ${i + 1}); rename one`)
    firstAt.set(name, i)
  })
  return names
}

/** Records of a CSV file (header row first) in batches; `info` gets the header and delimiter. */
export async function* readCsvRecords(filePath: string, file: string, options: ReadOptions, info: SourceInfo): AsyncGenerator<SourceBatch> {
  let bytesRead = 0
  let charsFed = 0
  let cursor = 0
  let line = 1
  let header: string[] | null = null
  const ready: SourceBatch[] = []
  let queued = 0
  let done = false
  let failure: unknown = null
  let wake: (() => void) | null = null
  const notify = () => {
    const resolve = wake
    wake = null
    resolve?.()
  }

  // The first chunk is read before parsing starts, to settle the delimiter on it.
  const chunks = readTextChunks(filePath, file)
  const first = await chunks.next()
  const delimiter = options.delimiter ?? guessDelimiter(first.done ? '' : first.value.text)

  async function* feed(): AsyncGenerator<string> {
    if (first.done) return
    bytesRead = first.value.bytesRead
    charsFed = first.value.text.length
    yield first.value.text
    // papaparse re-scans an unfinished row from its start with every piece it is
    // given. While a long row is open, pieces are held until they are as long as
    // the open row, so that row is re-scanned O(log n) times instead of O(n).
    const held: string[] = []
    let heldChars = 0
    for await (const chunk of chunks) {
      bytesRead = chunk.bytesRead
      held.push(chunk.text)
      heldChars += chunk.text.length
      // Text fed but not yet part of a finished row is one row still open (an unclosed quote, usually).
      const open = charsFed - cursor
      if (open + heldChars > MAX_RECORD_CHARS) {
        throw fileProblem(file, line, `a row starting here is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB; is a quote left open?`)
      }
      if (heldChars < open) continue
      charsFed += heldChars
      yield held.length === 1 ? held[0]! : held.join('')
      held.length = 0
      heldChars = 0
    }
    if (heldChars > 0) yield held.join('')
  }
  // One chunk at a time: the default would read 16 chunks ahead of the parser.
  const source = Readable.from(feed(), { highWaterMark: 1 })

  const onChunk = (rows: string[][], errors: Papa.ParseError[], meta: Papa.ParseMeta) => {
    cursor = meta.cursor
    // "Could not detect the delimiter" only means the file has one column.
    const problemOf = new Map<number, Papa.ParseError>()
    for (const error of errors) if (error.type !== 'Delimiter' && error.row !== undefined && !problemOf.has(error.row)) problemOf.set(error.row, error)
    const items: SourceItem[] = []
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!
      const at = line
      line += 1 + breaksIn(row, meta.linebreak)
      if (isBlankRow(row)) continue
      const problem = problemOf.get(r)
      if (!header) {
        if (problem) throw fileProblem(file, at, `the header row is not valid CSV: ${problem.message}`)
        header = readHeader(row, file, at)
        info.columns = header
        info.delimiter = meta.delimiter
      } else if (problem) items.push({ line: at, problem: `not valid CSV: ${problem.message}` })
      else if (row.length !== header.length) {
        items.push({ line: at, problem: `${row.length} field${row.length === 1 ? '' : 's'}, but the header has ${header.length}` })
      } else {
        const record: Record<string, unknown> = {}
        for (let i = 0; i < header.length; i++) setOwn(record, header[i]!, options.dynamicTyping ? typeCell(row[i]!) : row[i])
        items.push({ line: at, record })
      }
    }
    if (items.length === 0) return
    ready.push({ items, bytesRead })
    queued += items.length
    if (queued >= MAX_QUEUED_ROWS) source.pause()
    notify()
  }

  loadPapaparse().parse<string[]>(source, {
    delimiter,
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    // Whole chunks rather than `step`: a chunk's rows become one batch and are
    // written (and garbage) sooner, which keeps the heap small.
    chunk: (results, parser) => {
      // papaparse may deliver one more chunk after abort().
      if (failure) return
      try {
        onChunk(results.data, results.errors, results.meta)
      } catch (error) {
        failure = error
        parser.abort()
        notify()
      }
    },
    complete: () => {
      done = true
      notify()
    },
    error: (error: Error) => {
      failure = error
      notify()
    },
  })

  try {
    for (;;) {
      // Rows read before a failure still go out first (a preview shows them).
      const batch = ready.shift()
      if (batch) {
        queued -= batch.items.length
        if (queued < MAX_QUEUED_ROWS / 4 && source.isPaused()) source.resume()
        yield batch
        continue
      }
      if (failure) throw failure
      if (done) break
      await new Promise<void>((resolve) => (wake = resolve))
    }
    if (!header) throw fileProblem(file, 1, 'the file is empty; a CSV file to import starts with a header row')
  } finally {
    // Stopped early (a preview, an error): close the file.
    if (!done || failure) {
      source.destroy()
      await chunks.return(undefined)
    }
  }
}
