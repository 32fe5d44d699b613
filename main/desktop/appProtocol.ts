/**
 * The desktop renderer is served from a privileged `weft://app/` scheme
 * rather than file://: it gets a real origin (module workers for Monaco,
 * IndexedDB for Dexie, a CSP header) and no access to the rest of the disk.
 */
import fs from 'node:fs'
import { protocol } from 'electron'
import { SECURITY_HEADERS } from '../server/security'
import { findStaticFile } from '../server/static'

/** The scheme and host the renderer is loaded from. */
export const APP_ORIGIN = 'weft://app'

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'weft', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ])
}

/** Serves `rendererDir` on weft://app/ with the same security headers as web mode. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle('weft', async (request) => {
    const url = new URL(request.url)
    const found = url.host === 'app' ? await findStaticFile(rendererDir, url.pathname) : null
    if (!found) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS })
    return new Response(await fs.promises.readFile(found.file), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'content-type': found.contentType },
    })
  })
}
