/**
 * Validating dispatch: the single path every transport takes from a raw
 * (untrusted) call to an implementation. Same checks, same error codes, whether
 * the call came over IPC, HTTP or in-process.
 */
import type { z } from 'zod'
import { operations, isOperationName, type OperationName, type ResponseOf, type ValidRequestOf } from './contract'
import { WeftError, toWeftError, type ErrorIssue } from './errors'

/** The implementation of every operation; `createWorkbench` builds one. */
export type Handlers = {
  [N in OperationName]: (request: ValidRequestOf<N>) => Promise<ResponseOf<N>>
}

/** zod issues as {@link ErrorIssue}s with dotted field paths. */
export function issuesFromZod(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
}

/** One line per issue, for messages and terminals: `dir: must not be empty`. */
export function describeIssues(issues: readonly ErrorIssue[]): string {
  return issues
    .map((i) => {
      const where = [i.file && (i.line ? `${i.file}:${i.line}` : i.file), i.path].filter(Boolean).join(' ')
      return where ? `${where}: ${i.message}` : i.message
    })
    .join('; ')
}

/** Validates the request for `name` and returns it parsed, or throws INVALID_REQUEST. */
export function parseRequest<N extends OperationName>(name: N, raw: unknown): ValidRequestOf<N> {
  const schema = operations[name].request
  const parsed = schema.safeParse(raw === undefined ? {} : raw)
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error)
    throw new WeftError('INVALID_REQUEST', `Invalid request to ${name}: ${describeIssues(issues)}`, issues)
  }
  return parsed.data as ValidRequestOf<N>
}

/**
 * Runs one call: checks the name, validates the request, runs the handler and
 * checks its response against the contract (a handler bug is INTERNAL, never a
 * malformed reply). Always throws {@link WeftError}.
 */
export async function dispatch(handlers: Handlers, name: unknown, raw: unknown): Promise<unknown> {
  if (!isOperationName(name)) {
    throw new WeftError('UNKNOWN_OPERATION', `Unknown operation: ${JSON.stringify(String(name)).slice(0, 120)}`)
  }
  const request = parseRequest(name, raw)
  let result: unknown
  try {
    result = await (handlers[name] as (r: unknown) => Promise<unknown>)(request)
  } catch (error) {
    throw toWeftError(error)
  }
  const checked = operations[name].response.safeParse(result)
  if (!checked.success) {
    throw new WeftError('INTERNAL', `Internal error: ${name} produced a response outside the contract: ${describeIssues(issuesFromZod(checked.error))}`)
  }
  return checked.data
}
