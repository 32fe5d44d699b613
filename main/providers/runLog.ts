/**
 * Every model run is recorded in the project's local state
 * (`.weft/runs/YYYY-MM-DD.jsonl`, git-ignored): what was sent, to which pinned
 * versions, and what came back. When the trace store lands, runs become
 * traces; until then this log is what the playground's history reads.
 */
import fs from 'node:fs'
import path from 'node:path'
import { redact } from './secrets'

/** One recorded run (the API's RunResult plus when and with which variables). */
export interface RunRecord {
  runId: string
  at: string
  variables: Record<string, unknown>
  [field: string]: unknown
}

const folder = (projectDir: string) => path.join(projectDir, '.weft', 'runs')

/** Appends a run; a failure to record never fails the run itself. */
export async function recordRun(projectDir: string, record: RunRecord): Promise<void> {
  try {
    await fs.promises.mkdir(folder(projectDir), { recursive: true })
    // One line per run, appended: a crash loses at most the line being written.
    await fs.promises.appendFile(path.join(folder(projectDir), `${record.at.slice(0, 10)}.jsonl`), `${JSON.stringify(redact(record))}\n`)
  } catch (error) {
    console.error('weft: could not record a run:', (error as Error).message)
  }
}

/** The most recent runs, newest first. Damaged lines (a torn last write) are skipped. */
export async function listRuns(projectDir: string, limit: number): Promise<RunRecord[]> {
  const files = (await fs.promises.readdir(folder(projectDir)).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl')).sort().reverse()
  const runs: RunRecord[] = []
  for (const file of files) {
    const lines = (await fs.promises.readFile(path.join(folder(projectDir), file), 'utf8')).split('\n').filter(Boolean).reverse()
    for (const line of lines) {
      try {
        runs.push(JSON.parse(line) as RunRecord)
      } catch {
        continue
      }
      if (runs.length >= limit) return runs
    }
  }
  return runs
}
