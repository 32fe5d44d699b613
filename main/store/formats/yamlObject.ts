/**
 * Model configs, scorers, evaluations and annotation queues: hand-edited YAML. The canonical
 * form is the user's own text with normalised line endings — comments and
 * key order are theirs — and it must validate against its schema and hold
 * no credential.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml'
import type { z } from 'zod'
import { parseYamlWithSchema } from '../../../common/yaml'
import {
  EvaluationDefinitionSchema,
  ModelConfigSchema,
  ScorerDefinitionSchema,
  type EvaluationDefinition,
  type ModelConfig,
  type ScorerDefinition,
} from '../../../common/schemas/objects'
import { QueueDefinitionSchema, type QueueDefinition } from '../../../common/schemas/annotation'
import { findSecrets } from './secrets'
import { invalidFile, normalizeText } from './text'

/** The YAML kinds and what each parses to. */
export interface YamlObjects {
  model: ModelConfig
  scorer: ScorerDefinition
  evaluation: EvaluationDefinition
  queue: QueueDefinition
}

const SCHEMAS: { [K in keyof YamlObjects]: z.ZodType<YamlObjects[K]> } = {
  model: ModelConfigSchema,
  scorer: ScorerDefinitionSchema,
  evaluation: EvaluationDefinitionSchema as z.ZodType<EvaluationDefinition>,
  queue: QueueDefinitionSchema as z.ZodType<QueueDefinition>,
}

/** Dotted path of the YAML node that holds `offset`, or '' (a comment, say). */
function fieldAt(node: unknown, offset: number, path: (string | number)[] = []): string {
  const inside = (n: unknown): n is Node => !!n && typeof n === 'object' && 'range' in n && !!(n as Node).range && (n as Node).range![0] <= offset && offset < (n as Node).range![2]
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?'
      if (inside(pair.value)) return fieldAt(pair.value, offset, [...path, key])
      if (inside(pair.key)) return [...path, key].join('.')
    }
  } else if (isSeq(node)) {
    const index = node.items.findIndex(inside)
    if (index !== -1) return fieldAt(node.items[index], offset, [...path, index])
  }
  return path.join('.')
}

/**
 * Refuses text that holds something like an API key, naming the line and
 * field but never the key. Every YAML kind is checked: a scorer's judge or an
 * evaluation's HTTP headers are as tempting a place to paste a key as a model.
 */
export function refuseSecrets(text: string, file: string): void {
  const findings = findSecrets(text)
  if (findings.length === 0) return
  const doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false })
  throw invalidFile(
    findings.map((f) => ({
      file,
      line: f.line,
      path: fieldAt(doc.contents, f.offset),
      message:
        `looks like ${/^[AEIOU]/.test(f.kind) ? 'an' : 'a'} ${f.kind} (${f.masked}). Secrets never go into git: ` +
        'keep the key in the OS keychain, or set api_key_env to the name of an environment variable that holds it',
    })),
  )
}

/** Parses and validates a model config, scorer or evaluation; throws INVALID_FILE with file, line and field. */
export function parseYamlObject<K extends keyof YamlObjects>(kind: K, text: string, file: string): YamlObjects[K] {
  return parseYamlWithSchema(text, SCHEMAS[kind], file)
}

/** Canonical text (the user's YAML, line endings normalised) and the parsed value. */
export function canonicalizeYamlObject<K extends keyof YamlObjects>(kind: K, text: string, file: string): { content: string; data: YamlObjects[K] } {
  const content = normalizeText(text)
  refuseSecrets(content, file)
  return { content, data: parseYamlObject(kind, content, file) }
}
