/**
 * Diffs between two versions of an object: the shape depends on the kind
 * (common/schemas/diff.ts). Pure functions of the two texts, so the same
 * answer serves the UI, the CLI and tests; reading the versions from git is
 * the caller's business.
 */
import { WeftError } from '../../common/errors'
import type { ConfigDiff, DiffProblem, DiffStatus, FieldChange, PromptDiff, DatasetDiff } from '../../common/schemas/diff'
import type { ObjectKind } from '../../common/schemas/project'
import { diffDatasets } from './diff/dataset'
import { diffFields } from './diff/fields'
import { readYaml, splitFrontMatter, type YamlRead } from './diff/structured'
import { DEFAULT_CONTEXT, diffText } from './diff/text'

export { formatUnifiedDiff, type DiffLabels } from './diff/text'

/** Options of {@link diffObjects}. */
export interface DiffOptions {
  /** Datasets: most rows listed in each of added, removed and changed (stats stay exact). Default: all. */
  limit?: number
  /** Lines of context around text changes; default 3. */
  context?: number
  /** Project-relative path, named in errors. */
  file?: string
}

/** The diff shape of each kind. */
export type DiffOf<K extends ObjectKind> = K extends 'prompt' ? PromptDiff : K extends 'dataset' ? DatasetDiff : ConfigDiff

/**
 * Diffs two versions of an object of `kind` (null = it did not exist in that
 * version). Datasets are matched by row id and throw INVALID_FILE for a bad
 * line; YAML that does not parse is reported in `problems`, never thrown, so
 * a broken version can still be compared as text.
 */
export function diffObjects<K extends ObjectKind>(kind: K, before: string | null, after: string | null, options: DiffOptions = {}): DiffOf<K> {
  const { limit, context = DEFAULT_CONTEXT } = options
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new WeftError('INVALID_REQUEST', 'limit must be a whole number ≥ 0', [{ path: 'limit', message: 'must be a whole number ≥ 0' }])
  }
  if (!(Number.isInteger(context) && context >= 0)) {
    throw new WeftError('INVALID_REQUEST', 'context must be a whole number ≥ 0', [{ path: 'context', message: 'must be a whole number ≥ 0' }])
  }
  if (kind === 'dataset') return diffDatasets(before, after, options) as DiffOf<K>
  const text = diffText(before, after, context)
  const read = kind === 'prompt' ? readFrontMatter : (source: string) => readYaml(source)
  const { fields, problems } = diffStructured(before === null ? null : read(before), after === null ? null : read(after))
  const status = statusOf(before, after)
  if (kind === 'prompt') {
    const diff: PromptDiff = { kind: 'prompt', status, text, frontMatter: fields }
    return (problems.length > 0 ? { ...diff, problems } : diff) as DiffOf<K>
  }
  const diff: ConfigDiff = { kind: kind as ConfigDiff['kind'], status, fields, text }
  return (problems.length > 0 ? { ...diff, problems } : diff) as DiffOf<K>
}

function statusOf(before: string | null, after: string | null): DiffStatus {
  if (before === null) return after === null ? 'unchanged' : 'added'
  if (after === null) return 'removed'
  return before === after ? 'unchanged' : 'changed'
}

/** A prompt's front matter; a prompt without one has none set. */
function readFrontMatter(text: string): YamlRead {
  const front = splitFrontMatter(text)
  return front ? readYaml(front.yaml, front.firstLine) : { ok: true, value: {} }
}

/** Field changes between two structured sides; a side that did not exist has nothing set. */
function diffStructured(before: YamlRead | null, after: YamlRead | null): { fields: FieldChange[]; problems: DiffProblem[] } {
  const problems: DiffProblem[] = []
  if (before && !before.ok) problems.push({ side: 'before', ...before.problem })
  if (after && !after.ok) problems.push({ side: 'after', ...after.problem })
  if (problems.length > 0) return { fields: [], problems }
  const value = (side: YamlRead | null) => (side?.ok ? side.value : {})
  return { fields: diffFields(value(before), value(after)), problems }
}
