/**
 * Evaluation definitions (`evals/*.yaml`, issue 8): dataset × target ×
 * scorers, trials, concurrency, per-row constraints and pass thresholds.
 * Everything is checked before any call — unknown scorer types, their
 * parameters, thresholds naming no scorer — with the file, line and field.
 */
import { WeftError, type ErrorIssue } from '../../common/errors'
import { parseYamlWithSchema } from '../../common/yaml'
import YAML from 'yaml'
import { EvaluationDefinitionSchema, ScorerDefinitionSchema, type EvaluationDefinition } from '../../common/schemas/objects'
import type { Scorer } from './scorers/types'

/** A checked evaluation definition (the schema lives in common/: the store checks it on save, the engine before a run). */
export type { EvaluationDefinition }

/** A definition's scorer after `scorer:NAME` references are resolved: always a built-in type. */
export type ResolvedScorer = EvaluationDefinition['scorers'][number]

/**
 * `--set key=value` overrides, applied to the definition as written before it
 * is checked: `concurrency=8`, `target.model=model:gpt-4o@v2`,
 * `scorers.0.params.ignoreCase=true`. The value is read as YAML (numbers and
 * booleans keep their type).
 */
export function applySets(raw: Record<string, unknown>, sets: readonly string[]): Record<string, unknown> {
  const out = structuredClone(raw)
  for (const text of sets) {
    const eq = text.indexOf('=')
    const key = eq > 0 ? text.slice(0, eq).trim() : ''
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(key)) {
      throw new WeftError('INVALID_REQUEST', `--set takes key=value with a dotted key, like concurrency=8 or target.model=model:fast, not "${text}"`, [{ path: 'set', message: 'not key=value' }])
    }
    let value: unknown
    try {
      value = YAML.parse(text.slice(eq + 1))
    } catch {
      value = text.slice(eq + 1)
    }
    const path = key.split('.')
    let node: Record<string, unknown> | unknown[] = out
    for (const [i, part] of path.entries()) {
      const last = i === path.length - 1
      const slot = Array.isArray(node) ? Number(part) : part
      if (Array.isArray(node) && !Number.isInteger(slot)) throw new WeftError('INVALID_REQUEST', `--set ${key}: ${path.slice(0, i).join('.')} is a list; use an index`, [{ path: `set.${key}`, message: 'list needs an index' }])
      const container = node as Record<string | number, unknown>
      if (last) container[slot] = value
      else {
        if (container[slot] === null || typeof container[slot] !== 'object') {
          if (Array.isArray(node) && container[slot] === undefined) throw new WeftError('INVALID_REQUEST', `--set ${key}: there is no item ${part} in ${path.slice(0, i).join('.')}`, [{ path: `set.${key}`, message: 'no such item' }])
          container[slot] = {}
        }
        node = container[slot] as Record<string, unknown>
      }
    }
  }
  return out
}

/** Whether a scorer parameter (at a zod issue's path) is a `{{row}}` template, filled per row. */
function isTemplated(params: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false // about the parameters as a whole (an unknown field): never a template's doing
  let value: unknown = params
  for (const key of path) {
    if (value === null || typeof value !== 'object') return false
    value = (value as Record<string, unknown>)[key as string]
  }
  return JSON.stringify(value ?? '').includes('{{')
}

/** Checks each scorer's type against the registry and its parameters against its schema; returns the issues. */
function checkScorers(scorers: readonly ResolvedScorer[], file: string, lookup: (type: string) => Scorer | undefined): ErrorIssue[] {
  const issues: ErrorIssue[] = []
  scorers.forEach((ref, i) => {
    const scorer = lookup(ref.type)
    if (!scorer) return void issues.push({ file, path: `scorers.${i}.type`, message: `unknown scorer type "${ref.type}"` })
    // A parameter that is a {{row}} template is filled per row; every other parameter is checked now.
    const checked = scorer.params.safeParse(ref.params)
    if (checked.success) return
    for (const issue of checked.error.issues) {
      if (!scorer.literalParams?.includes(String(issue.path[0])) && isTemplated(ref.params, issue.path)) continue
      issues.push({ file, path: ['scorers', i, 'params', ...issue.path.map(String)].join('.'), message: issue.message })
    }
  })
  return issues
}

function fail(file: string, issues: ErrorIssue[]): never {
  const first = issues[0]!
  throw new WeftError('INVALID_FILE', `${file}: ${first.path}: ${first.message}`, issues)
}

/**
 * Reads and checks a definition whose scorers are all built-ins. `lookup`
 * finds scorers by type (the registry); their parameters are checked here
 * too, so a typo fails before the first model call.
 */
export function parseEvaluation(text: string, file: string, lookup: (type: string) => Scorer | undefined, sets: readonly string[] = []): EvaluationDefinition {
  const definition = sets.length ? checkSets(text, file, sets) : parseYamlWithSchema(text, EvaluationDefinitionSchema, file)
  const issues = checkScorers(definition.scorers, file, lookup)
  if (issues.length > 0) fail(file, issues)
  return definition
}

/** The definition as written, then with `--set` applied; an issue at a set key names the --set. */
function checkSets(text: string, file: string, sets: readonly string[]): EvaluationDefinition {
  const written = parseYamlWithSchema(text, EvaluationDefinitionSchema, file)
  void written // the file itself must be valid: its errors have lines
  const raw = (YAML.parse(text) ?? {}) as Record<string, unknown>
  const checked = EvaluationDefinitionSchema.safeParse(applySets(raw, sets))
  if (checked.success) return checked.data
  const issue = checked.error.issues[0]!
  const path = issue.path.map(String).join('.')
  const set = sets.find((s) => path.startsWith(s.slice(0, s.indexOf('=')).trim()) || s.slice(0, s.indexOf('=')).trim().startsWith(path)) ?? sets.join(' ')
  throw new WeftError('INVALID_REQUEST', `--set ${set}: ${path ? `${path}: ` : ''}${issue.message}`, checked.error.issues.map((i) => ({ path: `set.${i.path.map(String).join('.')}`, message: i.message })))
}

/** Reads versioned objects for {@link loadEvaluation}. */
export interface DefinitionReader {
  resolve(ref: string, kind: 'dataset' | 'prompt' | 'model' | 'scorer'): Promise<{ ref: string }>
  readScorer(ref: string): Promise<{ ref: string; content: string; file: string }>
}

/**
 * Reads a definition for a run: `--set` overrides, `scorer:NAME` references
 * resolved (their params are the base, the evaluation's override them) and
 * pinned, and every reference checked to exist — all before any call, each
 * problem with the file and field.
 */
export async function loadEvaluation(
  text: string, file: string, lookup: (type: string) => Scorer | undefined, reader: DefinitionReader, sets: readonly string[] = [],
): Promise<{ definition: EvaluationDefinition; pinned: Record<string, string> }> {
  const definition = sets.length ? checkSets(text, file, sets) : parseYamlWithSchema(text, EvaluationDefinitionSchema, file)
  const issues: ErrorIssue[] = []
  const missing = async (path: string, ref: string, kind: 'dataset' | 'prompt' | 'model') => {
    try {
      await reader.resolve(ref, kind)
    } catch (error) {
      issues.push({ file, path, message: `${ref}: ${(error as Error).message}` })
    }
  }
  await missing('dataset', definition.dataset, 'dataset')
  if (definition.target.prompt) await missing('target.prompt', definition.target.prompt, 'prompt')
  if (definition.target.model) await missing('target.model', definition.target.model, 'model')
  const resolved = await resolveScorers(definition.scorers, file, lookup, reader)
  definition.scorers = resolved.scorers
  issues.push(...resolved.issues)
  if (issues.length > 0) fail(file, issues)
  return { definition, pinned: resolved.pinned }
}

/**
 * Resolves `scorer:NAME` references (their params are the base, the ones
 * written here override them) and checks every scorer: its type, its
 * parameters, and that an LLM judge's rubric prompt and model config exist.
 * Evaluation definitions and online rules (main/online) share it; issue
 * paths are `scorers.N.…`.
 */
export async function resolveScorers(
  written: readonly ResolvedScorer[], file: string, lookup: (type: string) => Scorer | undefined, reader: Pick<DefinitionReader, 'resolve' | 'readScorer'>,
): Promise<{ scorers: ResolvedScorer[]; pinned: Record<string, string>; issues: ErrorIssue[] }> {
  const scorers = written.map((s) => ({ ...s }))
  const pinned: Record<string, string> = {}
  const issues: ErrorIssue[] = []
  for (const [i, ref] of scorers.entries()) {
    if (!ref.type.startsWith('scorer:')) continue
    try {
      const object = await reader.readScorer(ref.type)
      const base = parseYamlWithSchema(object.content, ScorerDefinitionSchema, object.file)
      pinned[`scorer.${ref.id}`] = object.ref
      scorers[i] = { ...ref, type: base.type, params: { ...base.params, ...ref.params }, ...((ref.columns ?? base.columns) ? { columns: ref.columns ?? base.columns } : {}) }
    } catch (error) {
      const issue = error instanceof WeftError ? error.issues?.[0] : undefined
      issues.push({ file, path: `scorers.${i}.type`, message: `${ref.type}: ${issue?.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}` : (error as Error).message}` })
    }
  }
  issues.push(...checkScorers(scorers, file, lookup).filter((issue) => !issues.some((i) => i.path === issue.path)))
  // An LLM judge's rubric prompt and model config must exist too (they are pinned when the run starts).
  for (const [i, scorer] of scorers.entries()) {
    if (!lookup(scorer.type)?.meta.needsLlm) continue
    for (const [field, kind] of [['rubric', 'prompt'], ['model', 'model']] as const) {
      const ref = scorer.params[field]
      if (typeof ref !== 'string' || ref.includes('{{')) continue
      try {
        await reader.resolve(ref, kind)
      } catch (error) {
        issues.push({ file, path: `scorers.${i}.params.${field}`, message: `${ref}: ${(error as Error).message}` })
      }
    }
  }
  return { scorers, pinned, issues }
}

/** A threshold from the command line: `category>=0.9`, `overall>=0.95`. */
export function parseThreshold(text: string, scorerIds: readonly string[]): { scorer: string; min: number } {
  const match = /^\s*([A-Za-z][A-Za-z0-9_.-]*)\s*>=\s*(0(?:\.\d+)?|1(?:\.0+)?)\s*$/.exec(text)
  if (!match) throw new WeftError('INVALID_REQUEST', `--threshold takes scorer>=fraction, like "category>=0.9", not "${text}"`, [{ path: 'threshold', message: 'not scorer>=fraction' }])
  const scorer = match[1]!
  if (scorer !== 'overall' && !scorerIds.includes(scorer)) {
    throw new WeftError('INVALID_REQUEST', `--threshold names "${scorer}", which is not a scorer of this evaluation (${scorerIds.join(', ')})`, [{ path: 'threshold', message: 'unknown scorer' }])
  }
  return { scorer, min: Number(match[2]) }
}
