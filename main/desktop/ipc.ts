/**
 * The main-side IPC handler, apart from Electron so it can be tested: checks
 * the sender, checks the message shape, dispatches through the workbench's
 * validating entry point and always answers with an envelope.
 */
import { WeftError, toWeftError } from '../../common/errors'
import type { CallReply } from '../../common/transport'
import type { Workbench } from '../workbench'

/** Builds the handler for `ipcMain.handle(IPC_CHANNELS.call, …)`. */
export function createIpcCallHandler<E>(workbench: Workbench, isAllowedSender: (event: E) => boolean) {
  return async (event: E, message: unknown): Promise<CallReply> => {
    try {
      if (!isAllowedSender(event)) throw new WeftError('FORBIDDEN', 'Calls are accepted only from the Weft window')
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        throw new WeftError('INVALID_REQUEST', 'A call must be an object { name, request }')
      }
      const { name, request } = message as { name?: unknown; request?: unknown }
      return { ok: true, result: await workbench.callRaw(name, request) }
    } catch (error) {
      return { ok: false, error: toWeftError(error).toJSON() }
    }
  }
}
