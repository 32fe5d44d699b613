/**
 * Test helpers shared by the suites: get hold of the WeftError an operation
 * throws, so a test can assert its code, message and issues. (Test-only: no
 * production module imports this file.)
 */
import { WeftError } from './errors'

/** The WeftError `fn` throws; fails the test when it throws nothing or something else. */
export function failure(fn: () => unknown): WeftError {
  try {
    fn()
  } catch (error) {
    if (error instanceof WeftError) return error
    throw error
  }
  throw new Error('expected a WeftError')
}

/** The WeftError `promise` rejects with; fails the test when it resolves or rejects with something else. */
export async function caught(promise: Promise<unknown>): Promise<WeftError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WeftError) return error
    throw error
  }
  throw new Error('expected a WeftError')
}
