/**
 * The one error type that crosses every transport. Each failure has a stable
 * `code` the UI can show and tests can assert; `issues` say where (file, line,
 * field) when the failure is about input.
 */

/** Stable error codes. Add new ones at the end; never rename one. */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'UNKNOWN_OPERATION',
  'NOT_FOUND',
  'NOT_A_DIRECTORY',
  'NOT_A_PROJECT',
  'NO_PROJECT_OPEN',
  'ALREADY_EXISTS',
  'INVALID_FILE',
  'UNSUPPORTED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'INTERNAL',
  'CONFLICT',
  'BUSY',
  'NETWORK',
] as const

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number]

/** Where a problem is: a field path in a request, or a file with a line. */
export interface ErrorIssue {
  /** Dotted field path (`dir`, `defaults.model`); empty for the whole value. */
  path: string
  message: string
  /** Project-relative file the problem is in, when it is about a file. */
  file?: string
  /** 1-based line in `file`. */
  line?: number
}

/** The JSON shape of an error on the wire (HTTP body, IPC reply). */
export interface SerializedError {
  code: ErrorCode
  message: string
  issues?: ErrorIssue[]
}

/** An expected failure with a stable code. Anything else is reported as INTERNAL. */
export class WeftError extends Error {
  readonly code: ErrorCode
  readonly issues: ErrorIssue[] | undefined

  constructor(code: ErrorCode, message: string, issues?: ErrorIssue[]) {
    super(message)
    this.name = 'WeftError'
    this.code = code
    this.issues = issues && issues.length > 0 ? issues : undefined
  }

  /** The wire form; the same through IPC, HTTP and in-process. */
  toJSON(): SerializedError {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message }
  }
}

/** True for a plain object that looks like a {@link SerializedError}. */
export function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.message === 'string' && typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code)
}

/** Rebuilds a WeftError from its wire form (clients of every transport use this). */
export function errorFromJSON(value: unknown): WeftError {
  if (isSerializedError(value)) return new WeftError(value.code, value.message, value.issues)
  return new WeftError('INTERNAL', 'The workbench sent a malformed error')
}

/** Any thrown value as a WeftError; unexpected ones become INTERNAL without leaking stacks. */
export function toWeftError(error: unknown): WeftError {
  if (error instanceof WeftError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new WeftError('INTERNAL', `Internal error: ${message}`)
}
