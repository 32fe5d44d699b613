/**
 * Which project an ingest token unlocks, and each project's open trace
 * database. A project's token lives in `.weft/ingest-token` (git-ignored, owner
 * read/write only), made on first use; apps keep tracing into a project while
 * the window shows another, so every project this process knows can be found
 * by its token, not only the open one.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { IngestProject, IngestReadOperation } from '../server/ingest/types'
import { openTraceDb } from './db'

/** Where a project keeps its ingest token, relative to the project folder. */
export const INGEST_TOKEN_FILE = path.join('.weft', 'ingest-token')
/** Where a project keeps its trace database, relative to the project folder. */
export const TRACE_DB_FILE = path.join('.weft', 'traces.db')

const TOKEN_PATTERN = /^weft_[A-Za-z0-9_-]{32}$/
/** Traces added to the text index per step, and the quiet time after spans arrive before indexing starts. */
const TEXT_INDEX_CHUNK = 1000
const TEXT_INDEX_DELAY_MS = 300
/** How long a token read from its file is trusted before the file is read again. */
const TOKEN_RECHECK_MS = 1000

/** Reads a project's ingest token, making one when the project has none (or a damaged one). */
export async function readOrCreateIngestToken(dir: string): Promise<string> {
  const file = path.join(dir, INGEST_TOKEN_FILE)
  const existing = await readIngestToken(dir)
  if (existing) return existing
  await fs.promises.mkdir(path.dirname(file), { recursive: true })
  const token = `weft_${crypto.randomBytes(24).toString('base64url')}`
  // Write then rename: a concurrent reader sees the old file or the whole new one.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`
  await fs.promises.writeFile(tmp, `${token}\n`, { mode: 0o600 })
  await fs.promises.rename(tmp, file)
  return token
}

/** Replaces a project's ingest token with a fresh one. */
export async function rotateIngestToken(dir: string): Promise<void> {
  await fs.promises.rm(path.join(dir, INGEST_TOKEN_FILE), { force: true })
  await readOrCreateIngestToken(dir)
}

/** A project's ingest token, or null when it has none yet. */
export async function readIngestToken(dir: string): Promise<string | null> {
  const text = await fs.promises.readFile(path.join(dir, INGEST_TOKEN_FILE), 'utf8').catch(() => null)
  const token = text?.trim()
  return token && TOKEN_PATTERN.test(token) ? token : null
}

/** Options for {@link TraceProjects}. */
export interface TraceProjectsOptions {
  /** Answers an SDK read (getPrompt, getDataset) from a project's object store. */
  read(dir: string, operation: IngestReadOperation, request: unknown): Promise<unknown>
  /** Spans arrived for a project. */
  spansAdded(dir: string, traceIds: readonly string[], count: number): void
  /** Project folders to look in when a token is not one already seen (recent projects). */
  candidates(): Promise<string[]>
  /**
   * Fill the text index in the background (default on). Off for the CLI: a
   * command ends in seconds, and indexing there only slows it (11% of a
   * cached evaluation's CPU); traces not indexed yet are found by scan until
   * the app or `weft serve` indexes them.
   */
  indexInBackground?: boolean
}

/** The trace databases of the projects this process has seen, found by folder or token. */
export class TraceProjects {
  private readonly open = new Map<string, IngestProject>()
  private readonly tokens = new Map<string, string>()
  private readonly checkedAt = new Map<string, number>()
  private readonly indexTimers = new Map<string, NodeJS.Timeout>()
  private closed = false

  constructor(private readonly options: TraceProjectsOptions) {}

  /** The project at `dir` with its trace database open (opened on first use). */
  project(dir: string): IngestProject {
    if (this.closed) throw new Error('Trace databases are closed')
    const key = path.resolve(dir)
    let project = this.open.get(key)
    if (!project) {
      const traces = openTraceDb(path.join(key, TRACE_DB_FILE))
      project = {
        dir: key,
        traces,
        read: (operation, request) => this.options.read(key, operation, request),
        spansAdded: (traceIds, count) => {
          this.indexSoon(key)
          this.options.spansAdded(key, traceIds, count)
        },
      }
      // Traces stored while no Weft ran (or before a crash) may wait for the text index.
      this.indexSoon(key)
      this.open.set(key, project)
    }
    return project
  }

  /** The token of the project at `dir`, made on first use. */
  async token(dir: string): Promise<string> {
    const key = path.resolve(dir)
    const token = await readOrCreateIngestToken(key)
    this.remember(token, key)
    return token
  }

  /** Forgets what is known of a project's token (it was just replaced in this process). */
  forgetTokens(dir: string): void {
    const key = path.resolve(dir)
    for (const [t, d] of this.tokens) {
      if (d === key) {
        this.tokens.delete(t)
        this.checkedAt.delete(t)
      }
    }
  }

  /** The project a token belongs to, or null for an unknown token. */
  async byToken(token: string): Promise<IngestProject | null> {
    if (!TOKEN_PATTERN.test(token)) return null
    const known = this.tokens.get(token)
    if (known) {
      // The file may have been replaced (token rotated, here or by another process) since we read it;
      // re-reading it on every batch would cost a file open per request, so at most once a second.
      const checked = this.checkedAt.get(token) ?? 0
      if (Date.now() - checked < TOKEN_RECHECK_MS) return this.project(known)
      if ((await readIngestToken(known)) === token) {
        this.checkedAt.set(token, Date.now())
        return this.project(known)
      }
      this.tokens.delete(token)
      this.checkedAt.delete(token)
    }
    for (const dir of await this.options.candidates()) {
      const found = await readIngestToken(dir)
      if (found) this.remember(found, path.resolve(dir))
      if (found === token) return this.project(dir)
    }
    return null
  }

  /**
   * Brings a project's text index up to date in the background: a moment
   * after spans stop arriving, in chunks small enough (~10 ms) not to hold up
   * requests or the window.
   */
  private indexSoon(dir: string): void {
    if (this.options.indexInBackground === false) return
    const existing = this.indexTimers.get(dir)
    if (existing) clearTimeout(existing)
    const step = () => {
      this.indexTimers.delete(dir)
      const project = this.open.get(dir)
      if (!project || this.closed) return
      let indexed: number
      try {
        indexed = project.traces.indexText(TEXT_INDEX_CHUNK)
      } catch (error) {
        console.error(`weft: text index of ${dir} failed:`, (error as Error).message)
        return
      }
      if (indexed > 0) {
        const next = setTimeout(step, 0)
        next.unref?.()
        this.indexTimers.set(dir, next)
      }
    }
    const timer = setTimeout(step, TEXT_INDEX_DELAY_MS)
    timer.unref?.()
    this.indexTimers.set(dir, timer)
  }

  /** Closes every trace database. */
  close(): void {
    this.closed = true
    for (const timer of this.indexTimers.values()) clearTimeout(timer)
    this.indexTimers.clear()
    for (const project of this.open.values()) project.traces.close()
    this.open.clear()
  }

  private remember(token: string, dir: string): void {
    for (const [t, d] of this.tokens) if (d === dir && t !== token) this.tokens.delete(t)
    this.tokens.set(token, dir)
  }
}
