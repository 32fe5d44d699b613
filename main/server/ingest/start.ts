/** Starts the ingest server for a workbench and tells the workbench where it listens (or why it does not). */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { packageRoot } from '../../paths'
import type { Workbench } from '../../workbench'
import { startIngestWorker } from './workerHost'
import { DEFAULT_INGEST_PORT, startIngestServer, type IngestServer } from './ingestServer'

/**
 * The built worker (out/main/ingestWorker.js) when this code runs from the
 * bundle; null when it runs from source (tests), which serves in-thread.
 */
export function ingestWorkerFile(): string | null {
  const here = fileURLToPath(import.meta.url)
  if (!here.includes(`${path.sep}out${path.sep}main${path.sep}`)) return null
  const file = path.join(packageRoot(), 'out', 'main', 'ingestWorker.js')
  return fs.existsSync(file) ? file : null
}

/** The ingest port from the environment (`WEFT_INGEST_PORT`), else the default. */
export function ingestPortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WEFT_INGEST_PORT
  if (raw === undefined || raw === '') return DEFAULT_INGEST_PORT
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`WEFT_INGEST_PORT must be a port number (0–65535), not "${raw}"`)
  }
  return port
}

/**
 * Starts ingest for `workbench`. A taken port does not stop the app: the
 * reason is recorded where the Traces section shows it, and returned.
 */
export async function startWorkbenchIngest(
  workbench: Workbench,
  options: { port: number; host?: string; worker?: boolean },
): Promise<{ server: IngestServer; error: null } | { server: null; error: string }> {
  const file = ingestWorkerFile()
  if (options.worker !== false && file) {
    const started = await startIngestWorker(workbench, { file, port: options.port, host: options.host })
    workbench.ingest.setStatus(started.server ? { url: started.server.url, error: null } : { url: null, error: started.error })
    return started
  }
  try {
    // Imported here, not at the top: from the bundle the doors run in the worker, and their
    // modules (Weave, OTLP, busboy, protobufjs) would only slow the host's start-up.
    const { ingestRoutes } = await import('./routes')
    const server = await startIngestServer({ resolveToken: workbench.ingest.resolveToken, routes: ingestRoutes(), port: options.port, host: options.host })
    workbench.ingest.setStatus({ url: server.url, error: null })
    return { server, error: null }
  } catch (error) {
    const message = (error as Error).message
    workbench.ingest.setStatus({ url: null, error: message })
    return { server: null, error: message }
  }
}
