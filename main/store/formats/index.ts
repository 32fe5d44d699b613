/**
 * The file formats of the object store, one module per kind: parse,
 * validate with file/line/field errors, and produce the canonical text — the
 * exact bytes committed, whose git blob id is the version's identity.
 */
import type { ObjectKind } from '../../../common/schemas/project'
import { canonicalizeDataset } from './dataset'
import { canonicalizePrompt } from './prompt'
import { objectNameOf } from './text'
import { canonicalizeYamlObject } from './yamlObject'

export { formatJsonl, formatRow, MAX_LINE_BYTES, parseJsonl } from './dataset'
export { parsePrompt, type PromptFile } from './prompt'
export { findSecrets, maskSecret, type SecretFinding } from './secrets'
export { templateVariables } from './template'
export { decodeUtf8, normalizeText, objectNameOf } from './text'
export { parseYamlObject, type YamlObjects } from './yamlObject'

/**
 * Validates `text` as an object of `kind` stored at `file` (project-relative,
 * `folder/name.ext`) and returns its canonical text and parsed value.
 * Throws INVALID_REQUEST for a file outside its kind's folder or with a bad
 * name, INVALID_FILE (issues with file, line, path) for bad content.
 * Canonicalising canonical text returns it unchanged.
 */
export function canonicalize(kind: ObjectKind, text: string, file: string): { content: string; data: unknown } {
  objectNameOf(kind, file)
  switch (kind) {
    case 'prompt':
      return canonicalizePrompt(text, file)
    case 'dataset':
      return canonicalizeDataset(text, file)
    case 'model':
    case 'scorer':
    case 'evaluation':
    case 'queue':
      return canonicalizeYamlObject(kind, text, file)
  }
}
