/**
 * Finding the spans online rules must score, off the ingest path: a cursor
 * over `spans` by rowid (a re-arrival that changes a span re-inserts its row,
 * so it comes back past the cursor), plus `online_waiting` for spans seen
 * while still running, looked at again until they finish — so a span is
 * found once it is finished even if it were ever updated in place. Each
 * finished span is matched against the active rules and recorded in
 * `online_spans` (queued when sampled, skipped otherwise) at most once per
 * rule, which is what keeps live scoring, backfills and restarts from ever
 * scoring a span twice.
 */
import type Database from 'better-sqlite3'
import type { OnlineRule } from '../../common/schemas/online'
import { compileFilter, isSampled, type FilterableSpan } from './rules'

/** The light columns of a span that discovery reads. */
export interface CandidateRow extends FilterableSpan {
  rowid: number
  trace_seq: number
  id: string
  trace_id: string
  status: string
  end_ms: number | null
}

/** A rule ready to match spans. */
export interface ActiveRule {
  id: string
  sampleRate: number
  matches(span: FilterableSpan): boolean
  /** Whether it may score Weft's own traces (evaluation rows, playground runs): only when its filter asks for them. */
  ownTraces: boolean
}

/** Compiles the rules that score live traffic (not paused). */
export function activeRules(rules: readonly OnlineRule[]): ActiveRule[] {
  return rules
    .filter((r) => !r.paused)
    .map((r) => ({ id: r.id, sampleRate: r.sampleRate, matches: compileFilter(r.filter), ownTraces: r.filter.kind === 'evaluation' || Object.hasOwn(r.filter.attributes, 'weft.source') }))
}

/**
 * Whether a trace is Weft's own work rather than production traffic: an
 * evaluation row (its root is an `evaluation` span; Weave evaluations too) or
 * a playground run (`weft.source: run`). A rule on LLM calls would otherwise
 * also score, and pay a judge for, every call of every evaluation run.
 */
const OWN_SOURCES = ['"weft.source":"eval"', '"weft.source":"run"']

const isFinished = (span: Pick<CandidateRow, 'status' | 'end_ms'>) => span.end_ms !== null && span.status !== 'running'

/** Records spans matched by rules; returns how many (rule, span) pairs were new. */
export class SpanRecorder {
  private readonly insert
  private readonly upgrade
  private readonly bump

  private readonly root
  /** Per trace, whether it is Weft's own (see {@link OWN_SOURCES}); cleared with each {@link flush}. */
  private readonly own = new Map<string, boolean>()

  constructor(db: Database.Database) {
    this.root = db.prepare<[string], { kind: string; attributes: string | null }>(
      'SELECT t.root_kind AS kind, s.attributes AS attributes FROM traces t LEFT JOIN spans s ON s.trace_seq = t.seq AND s.id = t.root_span_id WHERE t.trace_id = ?',
    )
    this.insert = db.prepare('INSERT OR IGNORE INTO online_spans (rule_id, trace_id, span_id, state, priority, job) VALUES (?, ?, ?, ?, ?, ?)')
    // A span the rule skipped at a lower sample rate is in the sample now (the rate went up): it is queued after all.
    this.upgrade = db.prepare("UPDATE online_spans SET state = 'queued', priority = ?, job = ? WHERE rule_id = ? AND trace_id = ? AND span_id = ? AND state = 'skipped'")
    this.bump = db.prepare('UPDATE online_rules SET matched = matched + ?, sampled = sampled + ? WHERE id = ?')
  }

  /** Matches one finished span against the rules (call inside a transaction); `touched` collects rules that changed. */
  record(span: Pick<CandidateRow, 'id' | 'trace_id'> & FilterableSpan, rules: readonly ActiveRule[], counts: Map<string, { matched: number; sampled: number }>, priority: number, job: string | null): void {
    for (const rule of rules) {
      if (!rule.matches(span)) continue
      if (!rule.ownTraces && this.isOwn(span.trace_id)) continue
      const sampled = isSampled(span.id, rule.sampleRate)
      const added = this.insert.run(rule.id, span.trace_id, span.id, sampled ? 'queued' : 'skipped', priority, job).changes === 1
      const upgraded = !added && sampled && this.upgrade.run(priority, job, rule.id, span.trace_id, span.id).changes === 1
      if (!added && !upgraded) continue
      let c = counts.get(rule.id)
      if (!c) counts.set(rule.id, (c = { matched: 0, sampled: 0 }))
      if (added) c.matched++
      if (sampled) c.sampled++
    }
  }

  /** Writes the counters gathered by {@link record}. */
  flush(counts: Map<string, { matched: number; sampled: number }>): void {
    for (const [id, c] of counts) this.bump.run(c.matched, c.sampled, id)
    this.own.clear()
  }

  private isOwn(traceId: string): boolean {
    let own = this.own.get(traceId)
    if (own === undefined) {
      const root = this.root.get(traceId)
      own = root !== undefined && (root.kind === 'evaluation' || OWN_SOURCES.some((s) => root.attributes?.includes(s) === true))
      this.own.set(traceId, own)
    }
    return own
  }
}

/** The live side: the cursor and the waiting list. */
export class LiveDiscovery {
  private readonly s
  private readonly recorder: SpanRecorder
  private readonly step

  constructor(private readonly db: Database.Database) {
    this.recorder = new SpanRecorder(db)
    this.s = {
      cursor: db.prepare<[], { span_rowid: number }>('SELECT span_rowid FROM online_cursor WHERE id = 1'),
      setCursor: db.prepare('INSERT INTO online_cursor (id, span_rowid) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET span_rowid = excluded.span_rowid'),
      maxRowid: db.prepare<[], { n: number | null }>('SELECT MAX(rowid) AS n FROM spans'),
      after: db.prepare<[number, number], CandidateRow>('SELECT rowid, trace_seq, id, trace_id, name, kind, status, end_ms, attributes FROM spans WHERE rowid > ? ORDER BY rowid LIMIT ?'),
      finishedWaiting: db.prepare<[number], CandidateRow>(`SELECT s.rowid, s.trace_seq, s.id, s.trace_id, s.name, s.kind, s.status, s.end_ms, s.attributes
        FROM online_waiting w JOIN spans s ON s.trace_seq = w.trace_seq AND s.id = w.span_id WHERE s.end_ms IS NOT NULL AND s.status != 'running' LIMIT ?`),
      wait: db.prepare('INSERT OR IGNORE INTO online_waiting (trace_seq, span_id) VALUES (?, ?)'),
      unwait: db.prepare('DELETE FROM online_waiting WHERE trace_seq = ? AND span_id = ?'),
      clearWaiting: db.prepare('DELETE FROM online_waiting'),
    }
    this.step = db.transaction((rules: readonly ActiveRule[], limit: number) => {
      const counts = new Map<string, { matched: number; sampled: number }>()
      const cursor = this.s.cursor.get()?.span_rowid ?? 0
      const rows = this.s.after.all(cursor, limit)
      const finished = this.s.finishedWaiting.all(limit)
      for (const row of [...finished, ...rows]) {
        if (!isFinished(row)) {
          this.s.wait.run(row.trace_seq, row.id)
          continue
        }
        this.s.unwait.run(row.trace_seq, row.id)
        this.recorder.record(row, rules, counts, 0, null)
      }
      if (rows.length) this.s.setCursor.run(rows[rows.length - 1]!.rowid)
      this.recorder.flush(counts)
      return { looked: rows.length + finished.length, rules: [...counts.keys()] }
    })
  }

  /**
   * Looks at up to `limit` new spans (and the waiting ones that finished)
   * in one transaction. With no active rule the cursor just jumps to the end:
   * a rule scores what arrives while it is active, a backfill the past.
   */
  discover(rules: readonly ActiveRule[], limit: number): { looked: number; rules: string[] } {
    if (rules.length === 0) {
      this.skipToEnd()
      return { looked: 0, rules: [] }
    }
    return this.step.immediate(rules, limit)
  }

  /** Moves the cursor past every stored span and forgets waiting ones (nothing active to score them). */
  skipToEnd(): void {
    const end = this.s.maxRowid.get()?.n ?? 0
    if ((this.s.cursor.get()?.span_rowid ?? -1) === end) return
    this.db.transaction(() => {
      this.s.setCursor.run(end)
      this.s.clearWaiting.run()
    }).immediate()
  }

  /** How many stored spans the cursor has not reached (how far behind discovery is). */
  behind(): number {
    const cursor = this.s.cursor.get()?.span_rowid ?? 0
    return (this.db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM spans WHERE rowid > ?').get(cursor)?.n ?? 0)
  }
}

/** One backfill's walk over past traces, newest first, a page per step. */
export class BackfillWalk {
  private lastStart: number
  private lastId = ''
  private readonly page
  private readonly spans
  private readonly recorder: SpanRecorder
  private readonly step
  /** Traces looked at so far, and of how many. */
  done = 0
  readonly total: number
  finished = false

  constructor(db: Database.Database, private readonly rule: ActiveRule, private readonly job: string, private readonly fromMs: number, toMs: number) {
    this.lastStart = toMs
    this.total = db.prepare<[number, number], { n: number }>('SELECT COUNT(*) AS n FROM traces WHERE start_ms >= ? AND start_ms < ?').get(fromMs, toMs)!.n
    this.page = db.prepare<[number, number, number, string, number], { seq: number; trace_id: string; start_ms: number }>(
      `SELECT seq, trace_id, start_ms FROM traces WHERE start_ms >= ? AND (start_ms < ? OR (start_ms = ? AND trace_id < ?))
       ORDER BY start_ms DESC, trace_id DESC LIMIT ?`,
    )
    this.spans = db.prepare<[number], CandidateRow>('SELECT rowid, trace_seq, id, trace_id, name, kind, status, end_ms, attributes FROM spans WHERE trace_seq = ?')
    this.recorder = new SpanRecorder(db)
    this.step = db.transaction((limit: number) => {
      const traces = this.page.all(this.fromMs, this.lastStart, this.lastStart, this.lastId, limit)
      const counts = new Map<string, { matched: number; sampled: number }>()
      for (const trace of traces) {
        for (const span of this.spans.all(trace.seq)) if (isFinished(span)) this.recorder.record(span, [this.rule], counts, 1, this.job)
      }
      this.recorder.flush(counts)
      const last = traces[traces.length - 1]
      if (last) {
        this.lastStart = last.start_ms
        this.lastId = last.trace_id
      }
      this.done += traces.length
      if (traces.length < limit) this.finished = true
    })
  }

  /** Matches the next `limit` traces' spans (one transaction). */
  next(limit: number): void {
    if (!this.finished) this.step.immediate(limit)
  }
}
