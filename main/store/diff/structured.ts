/**
 * The structured side of prompts and YAML configs, read leniently: a diff
 * must still show the text of a version whose YAML is broken, so a parse
 * failure is returned as a problem (with its line) instead of thrown.
 */
import { LineCounter, parseDocument } from 'yaml'
import type { DiffProblem, JsonValue } from '../../../common/schemas/diff'

/** Parsed YAML, or why not (`line` is 1-based in the file the YAML sits in). */
export type YamlRead = { ok: true; value: JsonValue } | { ok: false; problem: Omit<DiffProblem, 'side'> }

// The same pattern Dotprompt parses prompts with (dotprompt 1.1, FRONTMATTER_AND_BODY_REGEX),
// so the diff splits a prompt exactly where the runtime does; `d` gives group offsets.
const FRONT_MATTER = /^---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$/d

/** A prompt's YAML front matter and the 1-based line it starts on; null when the prompt has none. */
export function splitFrontMatter(text: string): { yaml: string; firstLine: number } | null {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const match = FRONT_MATTER.exec(source)
  const start = match?.indices?.[1]?.[0]
  if (!match || start === undefined) return null
  let firstLine = 1
  for (let i = source.indexOf('\n'); i !== -1 && i < start; i = source.indexOf('\n', i + 1)) firstLine++
  return { yaml: match[1] ?? '', firstLine }
}

/** YAML text as a JSON value; an empty document is an empty object (nothing set). */
export function readYaml(text: string, firstLine = 1): YamlRead {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const error = doc.errors[0]
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line + firstLine - 1
    return { ok: false, problem: { line, message: error.message.split('\n')[0] ?? error.message } }
  }
  try {
    const value: unknown = doc.toJS({ maxAliasCount: 100 })
    return { ok: true, value: value === null || value === undefined ? {} : toJson(value) }
  } catch (e) {
    // toJS throws on alias bombs (maxAliasCount); say so rather than hang or crash.
    return { ok: false, problem: { line: firstLine, message: (e as Error).message } }
  }
}

/** Makes YAML's extra values JSON: non-finite numbers keep their YAML spelling, dates become ISO text. */
function toJson(value: unknown): JsonValue {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf'
  }
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map(toJson)
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]))
  if (value instanceof Set) return [...value].map(toJson)
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]))
  return null
}
