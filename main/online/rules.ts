/**
 * Online evaluation rules (issue 10), stored per project in the trace
 * database: which spans a rule matches (name glob, kind, attributes), which
 * of them it samples (a hash of the span id, so live scoring and a backfill
 * choose the same spans), and the checks a rule passes before it is saved —
 * the evaluation definition's own scorer checks, plus one online needs:
 * production spans have no expected answer.
 */
import crypto from 'node:crypto'
import type Database from 'better-sqlite3'
import { WeftError, type ErrorIssue } from '../../common/errors'
import type { OnlineRule, OnlineRuleInput } from '../../common/schemas/online'
import { resolveScorers, type DefinitionReader, type ResolvedScorer } from '../evals/definition'
import type { Scorer } from '../evals/scorers/types'

/** The `online_rules` row. */
interface RuleRow {
  id: string
  name: string
  rule: string
  paused: number
  created_ms: number
  updated_ms: number
  matched: number
  sampled: number
  scored: number
  errors: number
  judge_tokens: number
  cost_usd: number
  last_scored_ms: number | null
  last_error: string | null
}

/** What a rule's JSON column keeps (the rest are columns). */
type StoredDefinition = Pick<OnlineRuleInput, 'filter' | 'sampleRate' | 'scorers'>

function fromRow(r: RuleRow, queued: number): OnlineRule {
  const definition = JSON.parse(r.rule) as StoredDefinition
  return {
    id: r.id, name: r.name, filter: definition.filter, sampleRate: definition.sampleRate, scorers: definition.scorers, paused: r.paused === 1,
    createdMs: r.created_ms, updatedMs: r.updated_ms,
    counters: {
      matched: r.matched, sampled: r.sampled, scored: r.scored, queued, errors: r.errors, judgeTokens: r.judge_tokens, costUsd: r.cost_usd,
      lastScoredMs: r.last_scored_ms, lastError: r.last_error,
    },
  }
}

/**
 * Every rule of a project with its counters, by name. `queued` costs a count
 * over the queue; the scorer, which reads the rules between slices, leaves it
 * out (its counters then say 0 waiting).
 */
export function listRules(db: Database.Database, { queued: countQueued = true } = {}): OnlineRule[] {
  const queued = countQueued
    ? new Map(db.prepare<[], { rule_id: string; n: number }>("SELECT rule_id, COUNT(*) AS n FROM online_spans WHERE state = 'queued' GROUP BY rule_id").all().map((r) => [r.rule_id, r.n]))
    : new Map<string, number>()
  return db.prepare<[], RuleRow>('SELECT * FROM online_rules ORDER BY name').all().map((r) => fromRow(r, queued.get(r.id) ?? 0))
}

/** One rule, or undefined. */
export function getRule(db: Database.Database, id: string): OnlineRule | undefined {
  const row = db.prepare<[string], RuleRow>('SELECT * FROM online_rules WHERE id = ?').get(id)
  if (!row) return undefined
  const queued = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM online_spans WHERE rule_id = ? AND state = 'queued'").get(id)!.n
  return fromRow(row, queued)
}

/** A rule by id, or NOT_FOUND naming the field. */
export function requireRule(db: Database.Database, id: string, field = 'id'): OnlineRule {
  const rule = getRule(db, id)
  if (!rule) throw new WeftError('NOT_FOUND', `No online rule ${id} in this project`, [{ path: field, message: 'unknown rule' }])
  return rule
}

/** Creates or updates a rule (checked already); counters and what it scored carry over an update. */
export function saveRule(db: Database.Database, input: OnlineRuleInput, nowMs: number): OnlineRule {
  const clash = db.prepare<[string], { id: string }>('SELECT id FROM online_rules WHERE name = ?').get(input.name)
  if (clash && clash.id !== input.id) throw new WeftError('ALREADY_EXISTS', `An online rule is already named "${input.name}"`, [{ path: 'name', message: 'already used by another rule' }])
  const definition: StoredDefinition = { filter: input.filter, sampleRate: input.sampleRate, scorers: input.scorers }
  if (input.id) {
    const changed = db.prepare('UPDATE online_rules SET name = ?, rule = ?, paused = ?, updated_ms = ? WHERE id = ?').run(input.name, JSON.stringify(definition), input.paused ? 1 : 0, nowMs, input.id).changes
    if (changed === 0) throw new WeftError('NOT_FOUND', `No online rule ${input.id} in this project`, [{ path: 'id', message: 'unknown rule' }])
    return requireRule(db, input.id)
  }
  // The id is a digest of the name and the time, not random: the same calls give the same rule everywhere (tests, transports).
  let id = `r${crypto.createHash('sha256').update(`${input.name}\0${nowMs}`).digest('hex').slice(0, 15)}`
  while (db.prepare('SELECT 1 FROM online_rules WHERE id = ?').get(id)) id = `r${crypto.createHash('sha256').update(id).digest('hex').slice(0, 15)}`
  db.prepare('INSERT INTO online_rules (id, name, rule, paused, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)').run(id, input.name, JSON.stringify(definition), input.paused ? 1 : 0, nowMs, nowMs)
  return requireRule(db, id)
}

/** Pauses or resumes a rule. */
export function setPaused(db: Database.Database, id: string, paused: boolean, nowMs: number): OnlineRule {
  if (db.prepare('UPDATE online_rules SET paused = ?, updated_ms = ? WHERE id = ?').run(paused ? 1 : 0, nowMs, id).changes === 0) requireRule(db, id)
  return requireRule(db, id)
}

/** Deletes a rule and its bookkeeping; the scores it gave stay on their spans (they are feedback the user may rely on). */
export const deleteRule = (db: Database.Database, id: string): boolean =>
  db.transaction(() => {
    db.prepare('DELETE FROM online_spans WHERE rule_id = ?').run(id)
    return db.prepare('DELETE FROM online_rules WHERE id = ?').run(id).changes > 0
  })()

/** `*` any characters, `?` one; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

/** A span as the filter sees it. */
export interface FilterableSpan {
  name: string
  kind: string
  /** The attributes' JSON (parsed only when the filter asks about attributes). */
  attributes: string
}

/** A rule's filter as a predicate over spans. */
export function compileFilter(filter: OnlineRule['filter']): (span: FilterableSpan) => boolean {
  const name = filter.name === undefined ? null : /[*?]/.test(filter.name) ? globToRegExp(filter.name) : filter.name
  const attributes = Object.entries(filter.attributes)
  return (span) => {
    if (name !== null && (typeof name === 'string' ? span.name !== name : !name.test(span.name))) return false
    if (filter.kind !== undefined && span.kind !== filter.kind) return false
    if (attributes.length === 0) return true
    const actual = JSON.parse(span.attributes) as Record<string, unknown>
    return attributes.every(([key, value]) => {
      const have = Object.prototype.hasOwnProperty.call(actual, key) ? actual[key] : undefined
      return (typeof have === 'string' || typeof have === 'number' || typeof have === 'boolean') && String(have) === String(value)
    })
  }
}

/**
 * Whether a span is in a rule's sample: FNV-1a of the span id, as a fraction
 * of 2³², below the rate. Deterministic, so a backfill and live scoring pick
 * the same spans, and rules with the same rate score the same spans (their
 * scores compare).
 */
export function isSampled(spanId: string, rate: number): boolean {
  if (rate >= 1) return true
  if (rate <= 0) return false
  let hash = 0x811c9dc5
  for (let i = 0; i < spanId.length; i++) {
    hash ^= spanId.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) / 0x100000000 < rate
}

/**
 * Scorer parameters that stand in for the expected answer, by type: a
 * production span has none, so these scorers need the parameter (or a
 * `columns.expected` mapping onto the span's inputs).
 */
const EXPECTED_PARAM: Record<string, string> = {
  equals: 'expected',
  levenshtein: 'expected',
  'json-field-equals': 'expected',
  numeric: 'expected',
  contains: 'values',
  'starts-with': 'prefix',
}

/** The issues of scorers that would compare against an expected answer a span does not have. */
function expectedIssues(scorers: readonly ResolvedScorer[], file: string): ErrorIssue[] {
  const issues: ErrorIssue[] = []
  scorers.forEach((scorer, i) => {
    if (scorer.columns?.expected) return
    const check = (type: string, params: Record<string, unknown>, path: string) => {
      const param = EXPECTED_PARAM[type]
      if (param && params[param] === undefined) {
        issues.push({ file, path: `${path}.${param}`, message: `a production span has no expected answer: give ${type} its ${param} (or map columns.expected to one of the span's inputs)` })
      }
    }
    if (scorer.type === 'step') {
      const inner = scorer.params.scorer as { type?: unknown; params?: unknown } | undefined
      if (typeof inner?.type === 'string') check(inner.type, (inner.params ?? {}) as Record<string, unknown>, `scorers.${i}.params.scorer.params`)
    } else check(scorer.type, scorer.params, `scorers.${i}.params`)
  })
  return issues
}

/**
 * Resolves a rule's `scorer:NAME` references and checks it as an evaluation
 * definition's scorers are checked (types, parameters, a judge's rubric and
 * model); throws INVALID_REQUEST with every issue's field path.
 */
export async function resolveRule(rule: Pick<OnlineRuleInput, 'name' | 'scorers'>, lookup: (type: string) => Scorer | undefined, reader: Pick<DefinitionReader, 'resolve' | 'readScorer'>): Promise<ResolvedScorer[]> {
  const file = `online rule ${rule.name}`
  const { scorers, issues } = await resolveScorers(rule.scorers, file, lookup, reader)
  issues.push(...expectedIssues(scorers, file).filter((issue) => !issues.some((i) => i.path.startsWith(issue.path.slice(0, issue.path.lastIndexOf('.'))))))
  if (issues.length > 0) {
    const first = issues[0]!
    throw new WeftError('INVALID_REQUEST', `Online rule "${rule.name}": ${first.path}: ${first.message}`, issues)
  }
  return scorers
}
