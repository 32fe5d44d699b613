/**
 * A real ingest server for a fresh temp project, for tests that send spans the
 * way apps do (Weft SDK, OpenTelemetry exporters, the Weave SDK) and then look
 * at what the trace database holds.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startIngestServer } from '../../main/server/ingest/ingestServer'
import { ingestRoutes } from '../../main/server/ingest/routes'
import type { TraceDb } from '../../main/traces/db'
import { createWorkbench, type Workbench } from '../../main/workbench'

/** A running ingest server bound to one temp project. */
export interface TestIngest {
  /** Base URL, e.g. http://127.0.0.1:43123 (Weave: WF_TRACE_SERVER_URL; SDK: WEFT_ENDPOINT). */
  url: string
  /** The project's ingest token. */
  token: string
  /** The project folder. */
  dir: string
  /** The project's trace database (the same handle the server writes through). */
  traces: TraceDb
  workbench: Workbench
  close(): Promise<void>
}

/** Starts a workbench on a new temp project and an ingest server on a free loopback port. */
export async function startTestIngest(options: { maxBodyBytes?: number } = {}): Promise<TestIngest> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-ingest-'))
  const workbench = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'cli', cwd: root, autoMaintain: false })
  const dir = path.join(root, 'project')
  await workbench.call('project.init', { dir, name: 'ingest-test' })
  const server = await startIngestServer({ resolveToken: workbench.ingest.resolveToken, routes: ingestRoutes(), port: 0, maxBodyBytes: options.maxBodyBytes })
  workbench.ingest.setStatus({ url: server.url, error: null })
  const { token } = await workbench.call('ingest.info', {})
  const project = await workbench.ingest.resolveToken(token)
  if (!project) throw new Error('the fresh project does not resolve its own token')
  return {
    url: server.url,
    token,
    dir: project.dir,
    traces: project.traces,
    workbench,
    async close() {
      await server.close()
      await workbench.close()
      fs.rmSync(root, { recursive: true, force: true })
    },
  }
}
