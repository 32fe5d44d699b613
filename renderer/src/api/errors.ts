/** Turns anything thrown by a client call into one readable line for the UI. */
import { WeftError } from '../../../common/errors'
import { describeIssues } from '../../../common/dispatch'

/** A message for the user: the WeftError's text (issues included), or a generic one. */
export function errorMessage(error: unknown): string {
  if (error instanceof WeftError) {
    // The message of INVALID_REQUEST already lists the issues; others may not.
    if (error.issues && !error.message.includes(error.issues[0]!.message)) {
      return `${error.message} (${describeIssues(error.issues)})`
    }
    return error.message
  }
  return error instanceof Error ? error.message : String(error)
}
