/**
 * The background scorer of one project (issue 10): after spans arrive it
 * finds the finished ones active rules match (discovery.ts), and scores the
 * sampled ones in small slices that yield to the event loop, a bounded number
 * at once, storing each result as feedback on its span (source `online`,
 * name `RULE/SCORER`). Nothing here runs on the ingest path: ingest only
 * wakes it. A judge that fails puts its rule in exponential backoff (the span
 * stays queued, up to three attempts) rather than spinning; everything it
 * needs to resume — cursor, queue, what was scored — is in the database.
 */
import type { OnlineBackfillEvent, OnlineRule, OnlineScorePayload } from '../../common/schemas/online'
import { WeftError } from '../../common/errors'
import type { ResolvedScorer } from '../evals/definition'
import { storeReader } from '../evals/engine'
import { lookupScorer } from '../evals/scorers'
import type { Providers } from '../providers/registry'
import type { ObjectStore } from '../store/store'
import type { TraceDb } from '../traces/db'
import { addFeedback } from '../traces/feedback'
import { activeRules, BackfillWalk, LiveDiscovery } from './discovery'
import { listRules, resolveRule } from './rules'
import { makeJudge, needsSubtree, parseFixedParams, scoreSpan, subtreeSpans, type ScorerOutcome } from './scoring'

/** What an {@link OnlineScorer} needs. */
export interface OnlineScorerOptions {
  traces: TraceDb
  /** The project's object store (scorer files, judge rubrics and models). */
  store(): Promise<ObjectStore>
  /** The provider layer judges call through (its concurrency limit applies). */
  providers: Providers
  /** A span got an online score. */
  feedbackChanged(traceId: string, spanId: string): void
  /** Rules' counters changed. */
  rulesChanged(ruleIds: string[]): void
  backfillProgress(event: OnlineBackfillEvent): void
  /** Timestamps of scores and job ids (the workbench's clock). */
  now?: () => number
  /** The clock backoff waits by (real time, whatever `now` says). */
  clock?: () => number
  /** Spans looked at per discovery step, and queued spans scored per slice. */
  discoverChunk?: number
  slice?: number
  /** Spans scored at once (judge calls in flight). */
  concurrency?: number
  /** First backoff after a failing judge, doubled per failure up to maxBackoffMs. */
  backoffMs?: number
  maxBackoffMs?: number
}

/** Attempts at a span whose judge fails before it is given up (counted as failed). */
export const MAX_ATTEMPTS = 3

interface QueuedRow {
  rowid: number
  rule_id: string
  trace_id: string
  span_id: string
  attempts: number
  remaining: string | null
  job: string | null
}

interface Job {
  id: string
  ruleId: string
  walk: BackfillWalk
  queued: number
  cancelled: boolean
  lastSentMs: number
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve))
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * While spans keep arriving (the last within BUSY_WINDOW_MS), the scorer
 * works in smaller steps and at most a share of the time: its write
 * transactions hold the database's one write lock, which ingest needs. Under
 * bulk ingest (above HEAVY_RATE spans a second) it waits for the bulk to end,
 * and only if that takes over HEAVY_WAIT_MS works 5% of the time (measured:
 * at 25%, ingest at full speed ran 25–45% slower); under ordinary traffic
 * half the time, so it keeps up. Once ingest is quiet it runs flat out.
 */
const HEAVY_WAIT_MS = 30_000
const HEAVY_DUTY = 0.05
const BUSY_DUTY = 0.5
const HEAVY_RATE = 5000
const BUSY_WINDOW_MS = 500
const BUSY_STEP = 1000

/** The background scorer of one project's trace database. */
export class OnlineScorer {
  private readonly db
  private readonly live: LiveDiscovery
  private readonly now: () => number
  private readonly clock: () => number
  private readonly resolved = new Map<string, { key: string; scorers: Promise<{ scorers: ResolvedScorer[]; parsed: Map<ResolvedScorer, unknown> }> }>()
  private readonly backoff = new Map<string, { untilMs: number; delayMs: number }>()
  private readonly jobs = new Map<string, Job>()
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private timerForBackoff = false
  private lastArrivalMs = -Infinity
  private rateStartMs = -Infinity
  private rateCount = 0
  private lastRate = 0
  private heavySinceMs = Infinity
  /** Set by a run that stepped aside for bulk ingest: when to look again. */
  private resumeInMs = 0
  private closed = false
  private nextJob = 1
  private readonly s

  constructor(private readonly options: OnlineScorerOptions) {
    this.db = options.traces.sqlite
    this.live = new LiveDiscovery(this.db)
    this.now = options.now ?? Date.now
    this.clock = options.clock ?? Date.now
    this.s = {
      // INDEXED BY: without statistics SQLite picks the primary key for `rule_id IN` and sorts every queued row (33 ms a slice at 90,000 queued, against 0.1 ms).
      queued: this.db.prepare<[string, number], QueuedRow>(`SELECT rowid, rule_id, trace_id, span_id, attempts, remaining, job FROM online_spans INDEXED BY online_queue
        WHERE state = 'queued' AND rule_id IN (SELECT value FROM json_each(?)) ORDER BY priority, rowid LIMIT ?`),
      settle: this.db.prepare("UPDATE online_spans SET state = ?, attempts = ?, remaining = ? WHERE rowid = ? AND state = 'queued'"),
      counters: this.db.prepare(`UPDATE online_rules SET scored = scored + ?, errors = errors + ?, judge_tokens = judge_tokens + ?, cost_usd = cost_usd + ?,
        last_scored_ms = COALESCE(?, last_scored_ms), last_error = COALESCE(?, last_error) WHERE id = ?`),
      jobLeft: this.db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM online_spans INDEXED BY online_by_job WHERE job = ? AND state = 'queued'"),
      dropJob: this.db.prepare("DELETE FROM online_spans WHERE job = ? AND state = 'queued' RETURNING rule_id"),
      unbump: this.db.prepare('UPDATE online_rules SET matched = matched - ?, sampled = sampled - ? WHERE id = ?'),
    }
  }

  /** `count` spans arrived: wake up, and go easy while they keep coming. */
  arrived(count = 1): void {
    const now = this.clock()
    // Spans per second, over the last whole second.
    if (now - this.rateStartMs >= 1000) {
      this.lastRate = now - this.rateStartMs < 2000 ? this.rateCount : 0
      this.rateStartMs = now
      this.rateCount = 0
    }
    this.rateCount += count
    this.lastArrivalMs = now
    if (Math.max(this.lastRate, this.rateCount) > HEAVY_RATE) this.heavySinceMs = Math.min(this.heavySinceMs, now)
    else this.heavySinceMs = Infinity
    this.schedule()
  }

  /** Wakes the scorer (spans arrived, a rule changed); work starts after `delayMs`. */
  schedule(delayMs = 50): void {
    this.arm(delayMs, false)
  }

  private arm(delayMs: number, backoff: boolean): void {
    if (this.closed) return
    if (this.running) {
      if (!backoff) this.again = true
      return
    }
    if (this.timer && (backoff || !this.timerForBackoff)) return
    if (this.timer) clearTimeout(this.timer)
    this.timerForBackoff = backoff
    this.timer = setTimeout(() => this.start(), delayMs)
    this.timer.unref?.()
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.again = false
    this.running = this.run().finally(() => {
      this.running = null
      if (this.resumeInMs) {
        const delay = this.resumeInMs
        this.resumeInMs = 0
        this.again = false
        this.arm(delay, false)
      } else if (this.again) this.arm(0, false)
      else this.wakeAfterBackoff()
    })
  }

  /** Rules or the objects they name changed: resolve scorers again. */
  invalidate(): void {
    this.resolved.clear()
    this.backoff.clear()
  }

  /**
   * Before a rule becomes active while none was, the cursor moves to the
   * end: live scoring starts now; the past is for a backfill.
   */
  activating(): void {
    if (activeRules(listRules(this.db, { queued: false })).length === 0) this.live.skipToEnd()
  }

  /** Starts a backfill of a rule over traces started in [fromMs, toMs). */
  backfill(rule: OnlineRule, fromMs: number, toMs: number): { jobId: string; traces: number } {
    if (rule.paused) throw new WeftError('CONFLICT', `Online rule "${rule.name}" is paused: resume it to backfill`, [{ path: 'id', message: 'paused' }])
    const [active] = activeRules([rule])
    const id = `bf${this.now().toString(36)}-${this.nextJob++}`
    const job: Job = { id, ruleId: rule.id, walk: new BackfillWalk(this.db, active!, id, fromMs, toMs), queued: 0, cancelled: false, lastSentMs: 0 }
    this.jobs.set(id, job)
    this.report(job, 'running', true)
    this.schedule(0)
    return { jobId: id, traces: job.walk.total }
  }

  /** Cancels a backfill: it stops walking, and the spans it queued that are not scored yet are let go. */
  cancelBackfill(jobId: string): boolean {
    const job = this.jobs.get(jobId)
    if (!job) return false
    job.cancelled = true
    this.jobs.delete(jobId)
    this.db.transaction(() => {
      const dropped = this.s.dropJob.all(jobId) as Array<{ rule_id: string }>
      if (dropped.length) this.s.unbump.run(dropped.length, dropped.length, job.ruleId)
    }).immediate()
    this.report(job, 'cancelled', true)
    this.options.rulesChanged([job.ruleId])
    return true
  }

  /** How far behind the scorer is: spans not looked at yet, and sampled spans not scored yet. */
  lag(): { unseen: number; queued: number } {
    return { unseen: this.live.behind(), queued: this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM online_spans WHERE state = 'queued'").get()!.n }
  }

  /** Resolves once the scorer has nothing it can do now (tests, benchmarks); rules in backoff wait for their time. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.timer && !this.timerForBackoff) this.start()
      if (!this.running) return
      await this.running
    }
  }

  /** Stops scoring; work in flight finishes, what is left stays queued for next time. */
  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  private wakeAfterBackoff(): void {
    const now = this.clock()
    const waits = [...this.backoff.values()].map((b) => b.untilMs).filter((until) => until > now)
    if (this.closed || waits.length === 0) return
    const until = Math.min(...waits)
    this.arm(Math.max(10, until - now), true)
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      // Bulk ingest is on: step aside until it ends (or has gone on for HEAVY_WAIT_MS).
      if (this.busy() && this.heavySinceMs !== Infinity && this.clock() - this.heavySinceMs < HEAVY_WAIT_MS) {
        this.resumeInMs = BUSY_WINDOW_MS
        return
      }
      let didWork: boolean
      const began = performance.now()
      try {
        const rules = listRules(this.db, { queued: false })
        const active = activeRules(rules)
        const busy = this.busy()
        const found = this.live.discover(active, busy ? BUSY_STEP : (this.options.discoverChunk ?? 2000))
        if (found.rules.length) this.options.rulesChanged(found.rules)
        didWork = found.looked > 0
        for (const job of this.jobs.values()) {
          if (job.walk.finished) continue
          const before = job.walk.done
          job.walk.next(100)
          didWork ||= job.walk.done > before || job.walk.finished
          this.options.rulesChanged([job.ruleId])
        }
        const scored = await this.scoreSlice(rules.filter((r) => !r.paused), this.options.slice ?? 128)
        didWork ||= scored > 0
        this.checkJobs()
      } catch (error) {
        // A locked or damaged database: try again a little later rather than spin.
        console.error('weft: online scoring failed:', (error as Error).message)
        this.again = false
        setTimeout(() => this.schedule(0), 1000).unref?.()
        return
      }
      if (!didWork) return
      const spent = performance.now() - began
      if (this.busy()) {
        const duty = Math.max(this.lastRate, this.rateCount) > HEAVY_RATE ? HEAVY_DUTY : BUSY_DUTY
        await sleep(Math.max(2, (spent * (1 - duty)) / duty))
      }
      else await yieldToLoop()
    }
  }

  private busy(): boolean {
    return this.clock() - this.lastArrivalMs < BUSY_WINDOW_MS
  }

  private scorersOf(rule: OnlineRule): Promise<{ scorers: ResolvedScorer[]; parsed: Map<ResolvedScorer, unknown> }> {
    const key = `${rule.updatedMs}:${JSON.stringify(rule.scorers)}`
    const cached = this.resolved.get(rule.id)
    if (cached?.key === key) return cached.scorers
    const scorers = this.options.store().then(async (store) => {
      const resolved = await resolveRule(rule, lookupScorer, storeReader(store))
      return { scorers: resolved, parsed: parseFixedParams(resolved) }
    })
    this.resolved.set(rule.id, { key, scorers })
    // A failed resolution is tried again next time (the scorer file may be fixed meanwhile).
    scorers.catch(() => this.resolved.delete(rule.id))
    return scorers
  }

  /** Scores up to one slice of queued spans; returns how many were settled. */
  private async scoreSlice(rules: readonly OnlineRule[], limit: number): Promise<number> {
    const now = this.clock()
    const ready = rules.filter((r) => (this.backoff.get(r.id)?.untilMs ?? 0) <= now)
    if (ready.length === 0) return 0
    const items = this.s.queued.all(JSON.stringify(ready.map((r) => r.id)), limit)
    if (items.length === 0) return 0
    const byId = new Map(rules.map((r) => [r.id, r]))
    const results: Array<{ item: QueuedRow; rule: OnlineRule; outcomes: ScorerOutcome[]; tokens: number; costUsd: number; spanStartMs: number }> = []
    let next = 0
    const worker = async () => {
      while (next < items.length && !this.closed) {
        const item = items[next++]!
        const rule = byId.get(item.rule_id)!
        results.push({ item, rule, ...(await this.scoreItem(rule, item)) })
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 4, items.length) }, worker))
    this.write(results)
    return results.length
  }

  private async scoreItem(rule: OnlineRule, item: QueuedRow): Promise<{ outcomes: ScorerOutcome[]; tokens: number; costUsd: number; spanStartMs: number }> {
    let scorers: ResolvedScorer[]
    let parsed: Map<ResolvedScorer, unknown>
    try {
      ;({ scorers, parsed } = await this.scorersOf(rule))
    } catch (error) {
      const message = error instanceof WeftError && error.issues?.[0] ? `${error.issues[0].path}: ${error.issues[0].message}` : (error as Error).message
      return { outcomes: rule.scorers.map((s) => ({ scorerId: s.id, error: message, retry: true })), tokens: 0, costUsd: 0, spanStartMs: 0 }
    }
    const remaining = item.remaining ? (JSON.parse(item.remaining) as string[]) : null
    const todo = remaining ? scorers.filter((s) => remaining.includes(s.id)) : scorers
    const span = this.options.traces.getSpan(item.trace_id, item.span_id)
    if (!span) return { outcomes: todo.map((s) => ({ scorerId: s.id, error: 'the span is no longer stored', retry: false })), tokens: 0, costUsd: 0, spanStartMs: 0 }
    const subtree = needsSubtree(todo) ? subtreeSpans(this.options.traces, span) : null
    const { outcomes, usage } = await scoreSpan({ span, scorers: todo, subtree, parsed, judge: (own) => makeJudge(this.options.store, this.options.providers, own) })
    return { outcomes, tokens: usage.tokens, costUsd: usage.costUsd, spanStartMs: span.startMs }
  }

  /** Stores a slice's results in one transaction: feedback, the spans' states, the rules' counters. */
  private write(results: Array<{ item: QueuedRow; rule: OnlineRule; outcomes: ScorerOutcome[]; tokens: number; costUsd: number; spanStartMs: number }>): void {
    const now = this.now()
    const scoredSpans: Array<{ traceId: string; spanId: string }> = []
    const failing = new Set<string>()
    const succeeding = new Set<string>()
    const sums = new Map<string, { scored: number; errors: number; tokens: number; costUsd: number; lastScoredMs: number | null; lastError: string | null }>()
    this.db.transaction(() => {
      for (const { item, rule, outcomes, tokens, costUsd, spanStartMs } of results) {
        const retry = outcomes.filter((o): o is Extract<ScorerOutcome, { error: string }> => 'error' in o && o.retry)
        const attempts = item.attempts + (retry.length ? 1 : 0)
        const again = retry.length > 0 && attempts < MAX_ATTEMPTS
        const done = outcomes.filter((o) => 'result' in o)
        const state = again ? 'queued' : done.length > 0 || outcomes.length === 0 ? 'scored' : 'failed'
        // Nothing is written for a span whose row went away meanwhile (its backfill was cancelled, its rule deleted).
        if (this.s.settle.run(state, attempts, again ? JSON.stringify(retry.map((o) => o.scorerId)) : null, item.rowid).changes === 0) continue
        for (const o of done) {
          if (!('result' in o)) continue
          const payload: OnlineScorePayload = { pass: o.result.pass ?? null, reason: o.result.reason ?? null, ruleId: rule.id, spanStartMs, costUsd: o.costUsd }
          addFeedback(this.db, { traceId: item.trace_id, spanId: item.span_id, type: 'score', name: `${rule.name}/${o.scorerId}`, value: o.result.score, payload: payload as unknown as Record<string, unknown>, creator: `online rule ${rule.name}`, createdMs: now, source: 'online' })
        }
        const errors = outcomes.filter((o): o is Extract<ScorerOutcome, { error: string }> => 'error' in o)
        let sum = sums.get(rule.id)
        if (!sum) sums.set(rule.id, (sum = { scored: 0, errors: 0, tokens: 0, costUsd: 0, lastScoredMs: null, lastError: null }))
        sum.scored += state === 'scored' ? 1 : 0
        sum.errors += errors.length
        sum.tokens += tokens
        sum.costUsd += costUsd
        if (done.length) sum.lastScoredMs = now
        if (errors.length) sum.lastError = `${errors[0]!.scorerId}: ${errors[0]!.error}`.slice(0, 500)
        if (done.length) scoredSpans.push({ traceId: item.trace_id, spanId: item.span_id })
        if (retry.length) failing.add(rule.id)
        else if (lookupScorerNeedsLlm(rule)) succeeding.add(rule.id)
      }
      for (const [id, sum] of sums) this.s.counters.run(sum.scored, sum.errors, sum.tokens, sum.costUsd, sum.lastScoredMs, sum.lastError, id)
    }).immediate()
    const clockNow = this.clock()
    for (const id of failing) {
      const previous = this.backoff.get(id)
      const delayMs = Math.min(previous ? previous.delayMs * 2 : (this.options.backoffMs ?? 1000), this.options.maxBackoffMs ?? 5 * 60_000)
      this.backoff.set(id, { untilMs: clockNow + delayMs, delayMs })
    }
    for (const id of succeeding) if (!failing.has(id)) this.backoff.delete(id)
    for (const { traceId, spanId } of scoredSpans) this.options.feedbackChanged(traceId, spanId)
    const touched = [...new Set(results.map((r) => r.rule.id))]
    if (touched.length) this.options.rulesChanged(touched)
  }

  private checkJobs(): void {
    for (const job of this.jobs.values()) {
      if (!job.walk.finished) {
        this.report(job, 'running')
        continue
      }
      const left = this.s.jobLeft.get(job.id)!.n
      if (left === 0) {
        this.jobs.delete(job.id)
        this.report(job, 'finished', true)
      } else this.report(job, 'running')
    }
  }

  private report(job: Job, state: OnlineBackfillEvent['state'], force = false): void {
    const now = this.now()
    // Progress goes out at most every 100 ms (and always at the start and the end).
    if (!force && now - job.lastSentMs < 100) return
    job.lastSentMs = now
    const counts = this.db.prepare<[string], { total: number; left: number }>(
      "SELECT COUNT(*) AS total, COALESCE(SUM(state = 'queued'), 0) AS left FROM online_spans WHERE job = ? AND state != 'skipped'",
    ).get(job.id)!
    job.queued = counts.total
    this.options.backfillProgress({
      jobId: job.id, ruleId: job.ruleId, tracesDone: job.walk.done, tracesTotal: job.walk.total, queued: counts.total, scored: counts.total - counts.left, state,
    })
  }
}

/** Whether a rule calls a model (its backoff is cleared by a success). */
function lookupScorerNeedsLlm(rule: OnlineRule): boolean {
  return rule.scorers.some((s) => s.type.startsWith('scorer:') || lookupScorer(s.type)?.meta.needsLlm)
}
