/**
 * The preload bridge: exposes the workbench contract as `window.weft` and
 * nothing else. Runs sandboxed; main validates every call again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { EventEnvelope, EventName, OperationName } from '../common/contract'
import { IPC_CHANNELS, type CallReply, type PreloadBridge } from '../common/transport'

const bridge: PreloadBridge = {
  call: (name: OperationName, request: unknown) => ipcRenderer.invoke(IPC_CHANNELS.call, { name, request }) as Promise<CallReply>,
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, envelope: EventEnvelope<EventName>) => listener(envelope)
    ipcRenderer.on(IPC_CHANNELS.event, handler)
    return () => {
      ipcRenderer.removeListener(IPC_CHANNELS.event, handler)
    }
  },
  platform: process.platform,
}

contextBridge.exposeInMainWorld('weft', bridge)
