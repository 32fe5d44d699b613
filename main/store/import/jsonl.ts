/** JSONL import: one JSON object per line, read line by line. */
import { fileProblem, readTextChunks } from './decode'
import { jsonItem, MAX_RECORD_CHARS, type SourceBatch, type SourceItem } from './records'

/** Records of a JSONL file in batches; blank lines are skipped, CRLF is fine. */
export async function* readJsonlRecords(filePath: string, file: string): AsyncGenerator<SourceBatch> {
  // A line spanning chunks is kept as pieces and joined once: appending chunk
  // after chunk to one string would copy a long line over and over.
  const pieces: string[] = []
  let pieceChars = 0
  let line = 1
  let bytesRead = 0
  const item = (text: string, at: number): SourceItem | null => {
    const clean = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text
    // Blank lines hold nothing; skipping them is kinder than failing an export from another tool.
    if (clean.length === 0 || (clean.charCodeAt(0) <= 32 && clean.trim() === '')) return null
    return jsonItem(clean, at)
  }
  for await (const chunk of readTextChunks(filePath, file)) {
    bytesRead = chunk.bytesRead
    const text = chunk.text
    const newline = text.indexOf('\n')
    if (newline === -1) {
      pieces.push(text)
      pieceChars += text.length
      if (pieceChars > MAX_RECORD_CHARS) throw tooLong(file, line)
      continue
    }
    const lines = text.slice(newline + 1).split('\n')
    const head = pieces.length > 0 ? pieces.join('') + text.slice(0, newline) : text.slice(0, newline)
    const tail = lines.pop()!
    pieces.length = 0
    pieces.push(tail)
    pieceChars = tail.length
    const items: SourceItem[] = []
    for (const [i, piece] of [head, ...lines].entries()) {
      const found = item(piece, line + i)
      if (found) items.push(found)
    }
    line += lines.length + 1
    if (items.length > 0) yield { items, bytesRead }
  }
  const last = item(pieces.join(''), line)
  if (last) yield { items: [last], bytesRead }
}

/** The error for a line past {@link MAX_RECORD_CHARS}. */
export function tooLong(file: string, line: number): Error {
  const mb = MAX_RECORD_CHARS / 1024 / 1024
  return fileProblem(file, line, `this line is longer than ${mb} MB, the most one record may take; is the file really one record per line?`)
}
