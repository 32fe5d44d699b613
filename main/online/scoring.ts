/**
 * Scoring one queued span with a rule's scorers, as the evaluation engine
 * scores a row: the span's output is the output, its inputs the row (and the
 * judge's `input`), its subtree the trace step and trajectory scorers read,
 * its latency and subtree cost the budgets'. There is no expected answer
 * unless a column mapping names one of the inputs.
 */
import { parseRef } from '../../common/refs'
import type { ScoredSpan } from '../../common/schemas/evals'
import type { ResolvedScorer } from '../evals/definition'
import { resolveParams } from '../evals/params'
import { mapped } from '../evals/runLoop'
import { lookupScorer } from '../evals/scorers'
import type { JudgeCall, ScoreResult } from '../evals/scorers/types'
import type { Providers } from '../providers/registry'
import { runPrompt } from '../providers/runPrompt'
import type { ObjectStore } from '../store/store'
import type { StoredSpan, TraceDb } from '../traces/db'

/** A judge call that did not give a verdict (the provider failed, the rubric is gone): worth retrying later. */
export class JudgeFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JudgeFailure'
  }
}

/** What one scorer said about a span, or why it could not say. */
export type ScorerOutcome =
  | { scorerId: string; result: ScoreResult; costUsd: number }
  | { scorerId: string; error: string; retry: boolean }

/** What a judge used while scoring one span. */
export interface JudgeUsage {
  tokens: number
  costUsd: number
}

/** The span as a dataset row: its id and its inputs (an object's fields, anything else as `input`). */
export function spanRow(span: Pick<StoredSpan, 'id' | 'inputs'>): Record<string, unknown> & { id: string } {
  const inputs = span.inputs
  const fields = inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) ? (inputs as Record<string, unknown>) : inputs === undefined ? {} : { input: inputs }
  return { ...fields, id: span.id }
}

/** A span's subtree, pre-order, with full inputs and outputs (what step and trajectory scorers read). */
export function subtreeSpans(traces: TraceDb, span: StoredSpan): { spans: ScoredSpan[]; costUsd: number | null } {
  const found = traces.getTrace(span.traceId)
  const out: ScoredSpan[] = []
  let cost: number | null = span.costUsd
  const find = (nodes: NonNullable<typeof found>['roots']): (typeof nodes)[number] | undefined => {
    for (const node of nodes) {
      if (node.id === span.id) return node
      const inner = find(node.children)
      if (inner) return inner
    }
    return undefined
  }
  const root = found && find(found.roots)
  if (!root) return { spans: [], costUsd: cost }
  cost = root.subtreeCostUsd
  const stack = [root]
  while (stack.length) {
    const node = stack.pop()!
    const full = traces.getSpan(span.traceId, node.id)
    if (full) {
      out.push({
        id: full.id, parentId: full.parentId, name: full.name, kind: full.kind, status: full.status, startMs: full.startMs, endMs: full.endMs,
        ...(full.inputs === undefined ? {} : { inputs: full.inputs }), ...(full.output === undefined ? {} : { output: full.output }), attributes: full.attributes,
      })
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!)
  }
  return { spans: out, costUsd: cost }
}

/** A judge that runs rubric prompts through the provider layer and adds what it used to `usage`. */
export function makeJudge(store: () => Promise<ObjectStore>, providers: Providers, usage: JudgeUsage): JudgeCall {
  return async (prompt, model, variables, signal) => {
    let result
    try {
      result = await runPrompt(await store(), providers, { prompt: parseRef(prompt, 'prompt'), model: parseRef(model, 'model'), variables }, { signal })
    } catch (error) {
      throw new JudgeFailure(`judge ${prompt} on ${model}: ${(error as Error).message}`)
    }
    const { response } = result
    usage.tokens += (response.usage?.inputTokens ?? 0) + (response.usage?.outputTokens ?? 0)
    usage.costUsd += response.costUsd ?? 0
    if (response.error) throw new JudgeFailure(`judge ${response.error.code}: ${response.error.message}`)
    return { text: response.output, costUsd: response.costUsd }
  }
}

/** The parameters of scorers that have no `{{template}}`, parsed once. */
export function parseFixedParams(scorers: readonly ResolvedScorer[]): Map<ResolvedScorer, unknown> {
  const parsed = new Map<ResolvedScorer, unknown>()
  for (const scorer of scorers) {
    const implementation = lookupScorer(scorer.type)
    if (implementation && !JSON.stringify(scorer.params).includes('{{')) {
      const checked = implementation.params.safeParse(scorer.params)
      if (checked.success) parsed.set(scorer, checked.data)
    }
  }
  return parsed
}

/** Whether scoring a rule needs the span's subtree (step and trajectory scorers, code, cost budgets). */
export function needsSubtree(scorers: readonly ResolvedScorer[]): boolean {
  return scorers.some((s) => s.type === 'javascript' || s.type === 'cost-max' || lookupScorer(s.type)?.meta.level !== 'system')
}

/** Scores one span with the given scorers (those still to do); never throws. */
export async function scoreSpan(options: {
  span: StoredSpan
  scorers: readonly ResolvedScorer[]
  subtree: { spans: ScoredSpan[]; costUsd: number | null } | null
  judge: (usage: JudgeUsage) => JudgeCall
  /** Parsed parameters of scorers whose parameters have no template. */
  parsed?: ReadonlyMap<ResolvedScorer, unknown>
  signal?: AbortSignal
}): Promise<{ outcomes: ScorerOutcome[]; usage: JudgeUsage }> {
  const { span } = options
  const row = spanRow(span)
  const usage: JudgeUsage = { tokens: 0, costUsd: 0 }
  const outcomes: ScorerOutcome[] = []
  const latencyMs = span.endMs === null ? undefined : span.endMs - span.startMs
  for (const scorer of options.scorers) {
    const implementation = lookupScorer(scorer.type)
    if (!implementation) {
      outcomes.push({ scorerId: scorer.id, error: `unknown scorer type "${scorer.type}"`, retry: false })
      continue
    }
    const own: JudgeUsage = { tokens: 0, costUsd: 0 }
    try {
      // Parameters without a {{template}} are the same for every span: parsed once per rule (options.parsed), not per span.
      const params = options.parsed?.get(scorer) ?? implementation.params.parse(resolveParams(scorer.params, row, implementation.literalParams))
      const output = scorer.columns?.output ? mapped(scorer.columns.output, row, span.output) : span.output
      const expected = scorer.columns?.expected ? mapped(scorer.columns.expected, row, span.output) : undefined
      const result = await implementation.score(
        { output, row, expected, latencyMs, costUsd: options.subtree?.costUsd ?? span.costUsd, ...(options.subtree ? { spans: options.subtree.spans } : {}) },
        params,
        { signal: options.signal, judge: options.judge(own) },
      )
      outcomes.push({ scorerId: scorer.id, result, costUsd: implementation.meta.needsLlm ? own.costUsd : 0 })
    } catch (error) {
      outcomes.push({ scorerId: scorer.id, error: (error as Error).message || String(error), retry: error instanceof JudgeFailure })
    }
    usage.tokens += own.tokens
    usage.costUsd += own.costUsd
  }
  return { outcomes, usage }
}
