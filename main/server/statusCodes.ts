import type { ErrorCode } from '../../common/errors'

/** HTTP status for each error code; the body always carries the code itself. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNKNOWN_OPERATION: 404,
  NOT_FOUND: 404,
  NOT_A_DIRECTORY: 400,
  NOT_A_PROJECT: 409,
  NO_PROJECT_OPEN: 409,
  ALREADY_EXISTS: 409,
  INVALID_FILE: 422,
  UNSUPPORTED: 501,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INTERNAL: 500,
  CONFLICT: 409,
  BUSY: 503,
  NETWORK: 502,
}
