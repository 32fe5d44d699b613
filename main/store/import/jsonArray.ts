/**
 * JSON import: one top-level array of objects, streamed. A file of hundreds
 * of MB is never JSON.parse'd whole: a small scanner finds where each
 * top-level element starts and ends (tracking strings, escapes and nesting
 * only) and JSON.parse checks each element on its own. No streaming JSON
 * library is installed, and this is all the structure an import needs.
 */
import { fileProblem, readTextChunks } from './decode'
import { jsonItem, MAX_RECORD_CHARS, type SourceBatch, type SourceItem } from './records'

// Character codes the scanner looks at.
const C = {
  Quote: 34,
  Backslash: 92,
  Comma: 44,
  OpenBrace: 123,
  CloseBrace: 125,
  OpenBracket: 91,
  CloseBracket: 93,
  Newline: 10,
} as const

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9

/** Where the scanner is between chunks. */
type Phase = 'start' | 'beforeElement' | 'inElement' | 'afterElement' | 'end'

/** Records of a JSON array file in batches, each with the line its element starts on. */
export async function* readJsonArrayRecords(filePath: string, file: string): AsyncGenerator<SourceBatch> {
  let line = 1
  let phase = 'start' as Phase
  let depth = 0
  let inString = false
  /** Backslashes just before the scan position inside a string, carried across chunks. */
  let slashes = 0
  let elements = 0
  // An element spanning chunks is kept as pieces and joined once it ends: appending
  // chunk after chunk to one string would copy a long element over and over.
  const pieces: string[] = []
  let pieceChars = 0
  let elementLine = 1
  let bytesRead: number
  const fail = (at: number, message: string) => fileProblem(file, at, message)

  /** Scans one chunk; returns the items of the elements that end in it. */
  const scan = (text: string): SourceItem[] => {
    const items: SourceItem[] = []
    let pos = 0
    let from = 0 // where the current element's text starts in this chunk
    const finish = (end: number) => {
      const piece = text.slice(from, end)
      items.push(jsonItem(pieces.length > 0 ? pieces.join('') + piece : piece, elementLine))
      pieces.length = 0
      pieceChars = 0
      elements++
      phase = 'afterElement'
    }
    while (pos < text.length) {
      const c = text.charCodeAt(pos)
      if (phase === 'inElement') {
        if (inString) {
          // Jump to the next quote; it closes the string unless an odd run of backslashes escapes it.
          const quote = text.indexOf('"', pos)
          const stop = quote === -1 ? text.length : quote
          let run = 0
          while (stop - 1 - run >= pos && text.charCodeAt(stop - 1 - run) === C.Backslash) run++
          if (stop - run === pos) run += slashes
          if (quote === -1) {
            slashes = run // the string goes on in the next chunk
            break
          }
          slashes = 0
          pos = quote + 1
          if (run % 2 === 0) {
            inString = false
            if (depth === 0) finish(pos)
          }
          continue
        }
        if (c === C.Quote) inString = true
        else if (c === C.OpenBrace || c === C.OpenBracket) depth++
        else if (c === C.CloseBrace || c === C.CloseBracket) {
          if (depth === 0) {
            finish(pos) // a bare value (number, true…) ends at the array's `]`
            continue
          }
          depth--
          if (depth === 0) {
            finish(pos + 1)
            pos++
            continue
          }
        } else if (c === C.Comma && depth === 0) {
          finish(pos)
          continue
        } else if (c === C.Newline) line++
        pos++
        continue
      }
      if (c === C.Newline) line++
      if (isSpace(c)) {
        pos++
        continue
      }
      if (phase === 'start') {
        if (c !== C.OpenBracket) throw fail(line, 'a JSON file to import must hold one array of objects: [ {…}, {…} ]; for one object per line use .jsonl')
        phase = 'beforeElement'
      } else if (phase === 'beforeElement') {
        if (c === C.CloseBracket && elements === 0) phase = 'end'
        else if (c === C.CloseBracket || c === C.Comma) throw fail(line, `unexpected "${text[pos]}": a value is missing`)
        else {
          phase = 'inElement'
          from = pos
          elementLine = line
          depth = 0
          slashes = 0
          continue // the element's first character is scanned as part of it
        }
      } else if (phase === 'afterElement') {
        if (c === C.Comma) phase = 'beforeElement'
        else if (c === C.CloseBracket) phase = 'end'
        else throw fail(line, `expected "," or "]" after the array element, found "${text[pos]}"`)
      } else {
        throw fail(line, 'unexpected text after the end of the array')
      }
      pos++
    }
    if (phase === 'inElement') {
      pieces.push(text.slice(from))
      pieceChars += text.length - from
      if (pieceChars > MAX_RECORD_CHARS) {
        throw fail(elementLine, `this array element is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MB, the most one record may take`)
      }
    }
    return items
  }

  for await (const chunk of readTextChunks(filePath, file)) {
    bytesRead = chunk.bytesRead
    const items = scan(chunk.text)
    if (items.length > 0) yield { items, bytesRead }
  }
  // Anything unfinished at the end is a cut-off (or not-an-array) file.
  if (phase === 'start') throw fail(1, 'the file is empty; expected a JSON array of objects')
  if (phase !== 'end') throw fail(phase === 'inElement' ? elementLine : line, 'the file ends before the array is closed with "]"')
}
