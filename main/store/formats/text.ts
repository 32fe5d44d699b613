/**
 * What every format shares: text normalisation (so line endings never make a
 * new version), UTF-8 decoding with the line of a bad byte, the object file
 * name check, and the INVALID_FILE error.
 */
import { WeftError, type ErrorIssue } from '../../../common/errors'
import { objectNameProblem } from '../../../common/refs'
import { OBJECT_LAYOUT, type ObjectKind } from '../../../common/schemas/project'
import { firstInvalidUtf8 } from '../import/decode'

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


/** Decodes UTF-8 (dropping a BOM); throws INVALID_FILE with the line of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // The decoder says only that it failed; find where, for the message.
    const at = Math.max(0, firstInvalidUtf8(bytes, true))
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
