/** The online evaluation operations (issue 10) for the open project: rules, pause/resume, backfill. */
import type { Handlers } from '../common/dispatch'
import { storeReader } from './evals/engine'
import { lookupScorer } from './evals/scorers'
import { activeRules } from './online/discovery'
import { deleteRule, getRule, listRules, requireRule, resolveRule, saveRule, setPaused } from './online/rules'
import type { OnlineService } from './online/service'
import type { ObjectStore } from './store/store'
import type { TraceDb } from './traces/db'

type OnlineOperation = 'online.rules' | 'online.save' | 'online.delete' | 'online.pause' | 'online.backfill' | 'online.cancelBackfill'

/** What the online handlers need from the workbench. */
export interface OnlineHandlerContext {
  /** The open, initialised project's folder (throws otherwise). */
  projectDir(): string
  traces(dir: string): TraceDb
  store(): Promise<ObjectStore>
  service: OnlineService
  /** Rules changed: say so (online.changed). */
  changed(dir: string, ruleIds: string[]): void
  now(): number
}

/** Builds the online evaluation operations' handlers. */
export function createOnlineHandlers(ctx: OnlineHandlerContext): Pick<Handlers, OnlineOperation> {
  const db = () => ctx.traces(ctx.projectDir()).sqlite
  /** Work to do after a rule change: resolve scorers again, and look for spans. */
  const touched = (dir: string, id: string) => {
    const scorer = ctx.service.scorer(dir)
    scorer.invalidate()
    scorer.schedule(0)
    ctx.changed(dir, [id])
  }
  return {
    'online.rules': async () => ({ rules: listRules(db()) }),
    'online.save': async (request) => {
      const dir = ctx.projectDir()
      // Checked before anything is stored, like an evaluation definition: every issue names its field.
      await resolveRule(request, lookupScorer, storeReader(await ctx.store()))
      const sqlite = db()
      if (request.id) requireRule(sqlite, request.id)
      const before = request.id ? getRule(sqlite, request.id) : undefined
      if (!request.paused && (!before || before.paused)) ctx.service.scorer(dir).activating()
      const rule = saveRule(sqlite, request, ctx.now())
      touched(dir, rule.id)
      return { rule }
    },
    'online.delete': async ({ id }) => {
      const dir = ctx.projectDir()
      const deleted = deleteRule(db(), id)
      if (deleted) touched(dir, id)
      return { deleted }
    },
    'online.pause': async ({ id, paused }) => {
      const dir = ctx.projectDir()
      const sqlite = db()
      const current = requireRule(sqlite, id)
      if (!paused && current.paused && activeRules(listRules(sqlite)).length === 0) ctx.service.scorer(dir).activating()
      const rule = setPaused(sqlite, id, paused, ctx.now())
      touched(dir, id)
      return { rule }
    },
    'online.backfill': async ({ id, fromMs, toMs }) => {
      const dir = ctx.projectDir()
      const rule = requireRule(db(), id)
      // The rule's scorers must still resolve (a scorer file may have been deleted since it was saved).
      await resolveRule(rule, lookupScorer, storeReader(await ctx.store()))
      return ctx.service.scorer(dir).backfill(rule, fromMs, toMs)
    },
    'online.cancelBackfill': async ({ jobId }) => ({ cancelled: ctx.service.scorer(ctx.projectDir()).cancelBackfill(jobId) }),
  }
}
