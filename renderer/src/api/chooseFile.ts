/**
 * "Choose a file" that works on every host: the native picker in the desktop
 * app (the main side reads the file where it is), a browser file input plus
 * an upload in web mode (the server may be on another machine's disk view).
 * Either way the result is a path the workbench can read.
 */
import type { RendererClient } from './client'

/** Opens a browser file input and resolves with the chosen file, or null when cancelled. */
function browserPick(extensions: readonly string[]): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    if (extensions.length) input.accept = extensions.map((e) => `.${e}`).join(',')
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true })
    input.addEventListener('cancel', () => resolve(null), { once: true })
    input.click()
  })
}

/** Asks the user for a file; resolves with a path on the workbench's machine, or null when cancelled. */
export async function chooseFile(client: RendererClient, options: { title?: string; extensions?: string[] } = {}): Promise<string | null> {
  const info = await client.call('app.info', {})
  if (info.capabilities.pickFile) return (await client.call('app.pickFile', { title: options.title, extensions: options.extensions })).file
  if (!client.upload) return null
  const file = await browserPick(options.extensions ?? [])
  return file ? client.upload(file) : null
}
