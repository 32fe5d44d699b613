/**
 * The native door, spoken by the Weft SDK: span batches in, the two reads an
 * app needs (`getPrompt`, `getDataset`), and the runs of `evaluate()`
 * (evalsDoor.ts). Reads go through the same validating dispatch as the
 * workbench API, so they answer exactly what `objects.get` and
 * `prompts.render` answer in the app.
 */
import { z } from 'zod'
import { describeIssues, issuesFromZod } from '../../../common/dispatch'
import { toWeftError } from '../../../common/errors'
import { HTTP_STATUS } from '../statusCodes'
import { evalsRoutes } from './evalsDoor'
import { errorReply } from './ingestServer'
import { parseJsonBody, recordSpans } from './ingestBody'
import type { IngestReadOperation, IngestReply, IngestRequest, IngestRoute } from './types'

/** Path of the SDK's batch endpoint. */
export const NATIVE_SPANS_PATH = '/weft/v1/spans'

const BatchSchema = z.object({
  sdk: z.object({ name: z.string().max(100), version: z.string().max(50) }).optional(),
  spans: z.array(z.unknown()).max(100_000),
})

async function readObject(request: IngestRequest, operation: IngestReadOperation): Promise<IngestReply> {
  const body = parseJsonBody(request.body)
  if (!body.ok) return body.reply
  try {
    return { status: 200, json: await request.project.read(operation, body.value) }
  } catch (error) {
    const weft = toWeftError(error)
    return errorReply(HTTP_STATUS[weft.code], weft.message, weft.issues)
  }
}

/** The native door's routes. */
export function nativeRoutes(): IngestRoute[] {
  return [
    {
      method: 'POST',
      path: NATIVE_SPANS_PATH,
      handle(request) {
        const body = parseJsonBody(request.body)
        if (!body.ok) return body.reply
        const batch = BatchSchema.safeParse(body.value)
        if (!batch.success) {
          const issues = issuesFromZod(batch.error)
          return errorReply(400, `Invalid span batch: ${describeIssues(issues)}`, issues)
        }
        return recordSpans(request.project, batch.data.spans as never[], (accepted) => ({ status: 200, json: { accepted } }))
      },
    },
    { method: 'POST', path: '/weft/v1/objects/get', handle: (request) => readObject(request, 'objects.get') },
    { method: 'POST', path: '/weft/v1/prompts/render', handle: (request) => readObject(request, 'prompts.render') },
    ...evalsRoutes(),
  ]
}
