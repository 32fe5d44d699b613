/**
 * A composed evaluation grid: one dataset version × prompt versions × model
 * configs × scorers. It is saved as one evaluation definition (the first
 * prompt and model), and each prompt × model cell runs as its own run with
 * `--set target.prompt=… target.model=…` overrides.
 */
import { stringify } from 'yaml'

/** One scorer of the grid, as the evaluation names it. */
export interface GridScorer {
  id: string
  /** A built-in type (`contains`) or a saved scorer (`scorer:tone`). */
  type: string
  params: Record<string, unknown>
}

/** What the user composed. */
export interface EvalGrid {
  name: string
  dataset: string
  prompts: string[]
  models: string[]
  scorers: GridScorer[]
  trials: number
  concurrency: number
}

/** The built-in scorer types the composer offers, with starting parameters (the rest are written in YAML). */
export const SCORER_TYPES: readonly { type: string; label: string; params: Record<string, unknown> }[] = [
  { type: 'equals', label: 'Equals expected', params: {} },
  { type: 'contains', label: 'Contains expected', params: {} },
  { type: 'starts-with', label: 'Starts with expected', params: {} },
  { type: 'levenshtein', label: 'Levenshtein similarity', params: { minSimilarity: 0.8 } },
  { type: 'regex', label: 'Regex', params: { pattern: '.+' } },
  { type: 'json-valid', label: 'JSON valid', params: {} },
  { type: 'latency-max', label: 'Latency ≤', params: { ms: 5000 } },
]

/** Problems that stop the grid from being saved, by field. */
export function gridProblems(grid: EvalGrid): string[] {
  const problems: string[] = []
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(grid.name)) problems.push('Name: letters, digits, . _ - (starting with a letter or digit)')
  if (!grid.dataset) problems.push('Choose a dataset version')
  if (grid.prompts.length === 0) problems.push('Choose at least one prompt version')
  if (grid.models.length === 0) problems.push('Choose at least one model config')
  if (grid.scorers.length === 0) problems.push('Add at least one scorer')
  const ids = new Set<string>()
  for (const s of grid.scorers) {
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(s.id)) problems.push(`Scorer id "${s.id}": start with a letter; letters, digits, _ . -`)
    else if (ids.has(s.id)) problems.push(`Scorer id "${s.id}" is used twice`)
    ids.add(s.id)
  }
  return problems
}

/** The evaluation definition (evals/NAME.yaml) the grid saves: its first cell as the target. */
export function gridDefinitionYaml(grid: EvalGrid): string {
  const definition = {
    description: `Grid: ${grid.prompts.length} prompt × ${grid.models.length} model (composed in Weft)`,
    dataset: grid.dataset,
    target: { prompt: grid.prompts[0] ?? '', model: grid.models[0] ?? '' },
    scorers: grid.scorers.map((s) => (Object.keys(s.params).length ? { id: s.id, type: s.type, params: s.params } : { id: s.id, type: s.type })),
    trials: grid.trials,
    concurrency: grid.concurrency,
  }
  return stringify(definition, { lineWidth: 0 })
}

// `--set` values are read as YAML: a plain ref stays a string; anything else is quoted.
const setValue = (ref: string) => (/^[A-Za-z0-9:@._/-]+$/.test(ref) ? ref : JSON.stringify(ref))

/** One run per prompt × model cell: the `set` overrides of each. */
export function gridCells(grid: Pick<EvalGrid, 'prompts' | 'models'>): { prompt: string; model: string; set: string[] }[] {
  return grid.prompts.flatMap((prompt) => grid.models.map((model) => ({ prompt, model, set: [`target.prompt=${setValue(prompt)}`, `target.model=${setValue(model)}`] })))
}
