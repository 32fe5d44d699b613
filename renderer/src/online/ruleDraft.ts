/**
 * An online rule as its form edits it (text fields), and the conversions to
 * and from what `online.save` takes: attributes as `key = value` lines, the
 * sample rate as a percentage, scorer parameters as YAML maps.
 */
import { parse, stringify } from 'yaml'
import type { RequestOf, ResponseOf } from '../../../common/contract'

/** A stored rule as the panel lists it. */
export type Rule = ResponseOf<'online.rules'>['rules'][number]

/** One scorer row of the form. */
export interface ScorerDraft {
  id: string
  type: string
  /** A YAML map. */
  params: string
  /** A column mapping written in the rule's file form (kept as it is when the rule is edited). */
  columns?: { expected?: string; output?: string }
}

/** The form's fields. */
export interface RuleDraft {
  id?: string
  name: string
  /** Exact name or glob (`chat.*`); empty for any. */
  filterName: string
  /** A span kind, or empty for any. */
  kind: string
  /** `key = value` per line. */
  attributes: string
  /** 0–100. */
  samplePercent: string
  scorers: ScorerDraft[]
  paused: boolean
}

/** Starting parameters per scorer type, for a production span (no expected answer). */
export function starterParams(type: string, refs: { prompt?: string; model?: string } = {}): string {
  const starters: Record<string, Record<string, unknown>> = {
    'llm-judge': { rubric: refs.prompt ? `prompt:${refs.prompt}` : 'prompt:NAME', model: refs.model ? `model:${refs.model}` : 'model:NAME', passScore: 0.5 },
    regex: { pattern: '.+' },
    'latency-max': { ms: 5000 },
    'cost-max': { usd: 0.01 },
    contains: { values: ['thank'], caseInsensitive: true },
    'starts-with': { prefix: 'Hello' },
    'json-schema': { schema: { type: 'object' } },
    trajectory: { expected: ['search', 'answer'], mode: 'in-order' },
    step: { select: { kind: 'tool' }, scorer: { type: 'json-valid' } },
    javascript: { code: 'function score({ output }) { return String(output).length < 2000 }' },
  }
  const params = starters[type]
  return params ? stringify(params, { flow: true }).trim() : ''
}

/** A new rule's form. */
export function emptyDraft(refs: { prompt?: string; model?: string } = {}): RuleDraft {
  return { name: '', filterName: '', kind: '', attributes: '', samplePercent: '100', scorers: [{ id: 'judge', type: 'llm-judge', params: starterParams('llm-judge', refs) }], paused: false }
}

/** A stored rule's form. */
export function draftOf(rule: Rule): RuleDraft {
  return {
    id: rule.id,
    name: rule.name,
    filterName: rule.filter.name ?? '',
    kind: rule.filter.kind ?? '',
    attributes: Object.entries(rule.filter.attributes).map(([k, v]) => `${k} = ${String(v)}`).join('\n'),
    samplePercent: String(Math.round(rule.sampleRate * 10000) / 100),
    scorers: rule.scorers.map((s) => ({ id: s.id, type: s.type, params: Object.keys(s.params ?? {}).length ? stringify(s.params, { flow: true }).trim() : '', ...(s.columns ? { columns: s.columns } : {}) })),
    paused: rule.paused,
  }
}

/** The request a draft saves, or the problems that stop it (each naming its field). */
export function draftRequest(draft: RuleDraft): { request: RequestOf<'online.save'> | null; problems: string[] } {
  const problems: string[] = []
  const attributes: Record<string, string> = {}
  draft.attributes.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    const eq = line.indexOf('=')
    const key = eq > 0 ? line.slice(0, eq).trim() : ''
    if (!key) problems.push(`Attributes, line ${i + 1}: write key = value`)
    else attributes[key] = line.slice(eq + 1).trim()
  })
  const percent = Number(draft.samplePercent)
  if (draft.samplePercent.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100) problems.push('Sample rate: a percentage from 0 to 100')
  if (draft.scorers.length === 0) problems.push('Scorers: add at least one')
  type Params = NonNullable<RequestOf<'online.save'>['scorers'][number]['params']>
  const scorers = draft.scorers.map((s) => {
    let params: Params = {}
    if (s.params.trim()) {
      try {
        const value = parse(s.params) as unknown
        if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('must be a map, like {pattern: "^Hello"}')
        params = value as Params
      } catch (error) {
        problems.push(`Scorer ${s.id || '?'} parameters: ${(error as Error).message.split('\n')[0]}`)
      }
    }
    return { id: s.id.trim(), type: s.type, params, ...(s.columns ? { columns: s.columns } : {}) }
  })
  if (problems.length) return { request: null, problems }
  return {
    request: {
      ...(draft.id ? { id: draft.id } : {}),
      name: draft.name.trim(),
      filter: { ...(draft.filterName.trim() ? { name: draft.filterName.trim() } : {}), ...(draft.kind ? { kind: draft.kind as never } : {}), attributes },
      sampleRate: percent / 100,
      scorers,
      paused: draft.paused,
    },
    problems,
  }
}

/** The filter in words: `chat.* · llm · env = production`, or "every span". */
export function describeFilter(filter: Rule['filter']): string {
  const parts = [filter.name, filter.kind, ...Object.entries(filter.attributes).map(([k, v]) => `${k} = ${String(v)}`)].filter(Boolean)
  return parts.length ? parts.join(' · ') : 'every span'
}

/** Dollars as people read small amounts: `$0.0027`, `$1.20`. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0'
  if (usd < 0.01) return `$${Number(usd.toPrecision(2))}`
  return `$${usd.toFixed(2)}`
}
