/**
 * What every format shares: text normalisation (so line endings never make a
 * new version), UTF-8 decoding with the line of a bad byte, the object file
 * name check, and the INVALID_FILE error.
 */
import { WeftError, type ErrorIssue } from '../../../common/errors'
import { objectNameProblem } from '../../../common/refs'
import { OBJECT_LAYOUT, type ObjectKind } from '../../../common/schemas/project'

/** Text with a leading BOM removed, CRLF (and lone CR) as LF, and exactly one trailing newline. */
export function normalizeText(text: string): string {
  // Editors on Windows write CRLF and some add a BOM; neither may change a version's identity.
  const unix = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n')
  let end = unix.length
  while (end > 0 && unix.charCodeAt(end - 1) === 10) end--
  return `${unix.slice(0, end)}\n`
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}

/** Offset of the first byte that is not well-formed UTF-8 (WHATWG rules), or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
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
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i
    }
    i += need + 1
  }
  return -1
}

/** Decodes UTF-8 (dropping a BOM); throws INVALID_FILE with the line of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // The decoder says only that it failed; find where, for the message.
    const at = Math.max(0, firstInvalidUtf8(bytes))
    let line = 1
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line++
    const byte = bytes[at]?.toString(16).padStart(2, '0') ?? '??'
    throw invalidFile([
      { file, line, path: '', message: `not valid UTF-8 (byte 0x${byte} at offset ${at}); save the file as UTF-8` },
    ])
  }
}

/** The INVALID_FILE error for `issues`; the message names the first one. */
export function invalidFile(issues: ErrorIssue[]): WeftError {
  const first = issues[0]!
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  const where = `${first.file ?? ''}${first.line ? `:${first.line}` : ''}`
  return new WeftError('INVALID_FILE', `${where}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`, issues)
}

/** An INVALID_FILE error from text parsed out of a larger file, its lines moved down by `lines`. */
export function shiftLines(error: WeftError, lines: number): WeftError {
  const issues = (error.issues ?? []).map((issue) => (issue.line ? { ...issue, line: issue.line + lines } : issue))
  return issues.length > 0 ? invalidFile(issues) : error
}

/**
 * Checks that `file` is where an object of `kind` lives — `folder/name.ext`
 * with a valid name — so no path from a request can leave its folder.
 * Returns the name; throws INVALID_REQUEST.
 */
export function objectNameOf(kind: ObjectKind, file: string): string {
  const { folder, extensions } = OBJECT_LAYOUT[kind]
  const ext = extensions.find((e) => file.endsWith(e))
  const name = file.startsWith(`${folder}/`) && ext ? file.slice(folder.length + 1, -ext.length) : null
  const problem =
    name === null ? `must be ${folder}/<name>${extensions.join(' or ')}` : objectNameProblem(name) && `name ${objectNameProblem(name)}`
  if (problem) throw new WeftError('INVALID_REQUEST', `Invalid ${kind} file "${file}": ${problem}`, [{ path: 'file', message: problem }])
  return name!
}
