/**
 * The online scorers of every project this process sees spans for, woken by
 * the workbench's span announcements (the CLI, the web server and the ingest
 * worker all go through them). A project without rules costs one indexed
 * lookup per announcement; a project's scorer is made on first need.
 */
import type { EventOf } from '../../common/contract'
import { createProviders, type ProvidersOptions } from '../providers/registry'
import type { SecretSource } from '../providers/types'
import type { ObjectStore } from '../store/store'
import type { TraceProjects } from '../traces/projects'
import { OnlineScorer, type OnlineScorerOptions } from './onlineScorer'

/** Judge calls in flight per provider, per project. */
const JUDGE_CONCURRENCY = 4
/** How often `online.changed` goes out at most. */
const CHANGED_EVERY_MS = 250

/** What the service needs from the workbench. */
export interface OnlineServiceOptions {
  projects: TraceProjects
  store(dir: string): Promise<ObjectStore>
  secrets: SecretSource
  providerOptions?: Partial<ProvidersOptions>
  /** The open project's folder, or null: feedback.changed is about the open project. */
  openDir(): string | null
  feedbackChanged(event: EventOf<'feedback.changed'>): void
  changed(event: EventOf<'online.changed'>): void
  backfill(event: EventOf<'online.backfill'>): void
  progress(event: EventOf<'progress'>): void
  /** Score in the background (off for the CLI: a command ends before the work would; the next app or `weft serve` catches up). */
  background: boolean
  now?: () => number
  /** Test knobs of each scorer. */
  tuning?: Partial<Pick<OnlineScorerOptions, 'slice' | 'concurrency' | 'backoffMs' | 'maxBackoffMs' | 'discoverChunk'>>
}

/** Every project's online scorer. */
export class OnlineService {
  private readonly scorers = new Map<string, OnlineScorer>()
  private readonly pending = new Map<string, Set<string>>()
  private changedTimer: NodeJS.Timeout | null = null

  constructor(private readonly options: OnlineServiceOptions) {}

  /** The scorer of the project at `dir` (made on first use). */
  scorer(dir: string): OnlineScorer {
    const project = this.options.projects.project(dir)
    let scorer = this.scorers.get(project.dir)
    if (!scorer) {
      const key = project.dir
      scorer = new OnlineScorer({
        traces: project.traces,
        store: () => this.options.store(key),
        providers: createProviders({ secrets: this.options.secrets, projectDir: key, ...this.options.providerOptions, concurrency: JUDGE_CONCURRENCY }),
        feedbackChanged: (traceId, spanId) => {
          if (this.options.openDir() === key) this.options.feedbackChanged({ traceId, spanId })
        },
        rulesChanged: (ruleIds) => this.changed(key, ruleIds),
        backfillProgress: (event) => {
          this.options.backfill(event)
          const scoring = event.tracesDone >= event.tracesTotal
          this.options.progress({
            taskId: `online-backfill:${event.jobId}`, label: 'Backfilling an online rule', state: event.state,
            done: scoring ? event.scored : event.tracesDone, total: scoring ? event.queued : event.tracesTotal,
            message: scoring ? `${event.scored} of ${event.queued} spans scored` : `${event.tracesDone} of ${event.tracesTotal} traces matched`,
          })
        },
        ...(this.options.now ? { now: this.options.now } : {}),
        ...this.options.tuning,
      })
      this.scorers.set(key, scorer)
      if (this.options.background) scorer.schedule(0)
    }
    return scorer
  }

  /** Spans arrived in a project: its scorer looks, if it has rules. */
  spansArrived(dir: string, count = 1): void {
    this.scorerWithRules(dir)?.arrived(count)
  }

  /** A project was opened: resume what its scorer left (queued spans, spans that arrived while no Weft ran). */
  opened(dir: string): void {
    this.scorerWithRules(dir)?.schedule()
  }

  /** The project's scorer when it has rules and this host scores in the background. */
  private scorerWithRules(dir: string): OnlineScorer | null {
    if (!this.options.background) return null
    const project = this.options.projects.project(dir)
    if (!this.scorers.has(project.dir) && !project.traces.sqlite.prepare('SELECT 1 FROM online_rules LIMIT 1').get()) return null
    return this.scorer(project.dir)
  }

  /** Scorer files, prompts or models may have changed: rules resolve their scorers again. */
  objectsChanged(): void {
    for (const scorer of this.scorers.values()) scorer.invalidate()
  }

  /** Stops every scorer (what is queued stays queued). */
  async close(): Promise<void> {
    if (this.changedTimer) clearTimeout(this.changedTimer)
    this.flushChanged()
    await Promise.all([...this.scorers.values()].map((s) => s.close()))
    this.scorers.clear()
  }

  private changed(dir: string, ruleIds: readonly string[]): void {
    let set = this.pending.get(dir)
    if (!set) this.pending.set(dir, (set = new Set()))
    for (const id of ruleIds) set.add(id)
    this.changedTimer ??= setTimeout(() => this.flushChanged(), CHANGED_EVERY_MS)
  }

  private flushChanged(): void {
    this.changedTimer = null
    for (const [dir, ids] of this.pending) this.options.changed({ dir, ruleIds: [...ids] })
    this.pending.clear()
  }
}
