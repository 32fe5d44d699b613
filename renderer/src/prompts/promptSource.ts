/**
 * Reads a .prompt file's text in the renderer, synchronously and forgivingly:
 * the variables its front matter declares (input.schema) and the variables its
 * Handlebars body uses, with positions. The main side's `objects.validate` is
 * the authority on validity; this only feeds autocomplete, the variables form
 * and "unknown variable" marks, which must not wait on a round trip.
 */
import { parse as parseYaml } from 'yaml'

/** One variable declared in input.schema. */
export interface DeclaredVariable {
  name: string
  /** Picoschema type (`string`, `number`, `array`, `object`, `enum`, …); `any` when unknown. */
  type: string
  optional: boolean
  description?: string
}

/** A variable the body uses, where it is (1-based line and columns, end exclusive). */
export interface VariableUse {
  name: string
  line: number
  startColumn: number
  endColumn: number
}

/** What the renderer knows about a prompt's text. */
export interface PromptOutline {
  /** Null when there is no input.schema (any variable goes). */
  declared: DeclaredVariable[] | null
  uses: VariableUse[]
  /** 1-based line where the body starts. */
  bodyLine: number
}

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/

// Helpers and keywords that read like variables inside {{ }}.
const NOT_VARIABLES = new Set(['if', 'unless', 'each', 'with', 'else', 'lookup', 'log', 'this', 'json', 'role', 'history', 'section', 'media', 'ifEquals', 'unlessEquals'])

/** Splits a Picoschema key (`tier?(enum, the plan)`) into name, type and optional flag. */
function readPicoKey(key: string, value: unknown): DeclaredVariable {
  const open = key.indexOf('(')
  const head = open === -1 ? key : key.slice(0, open)
  const optional = head.endsWith('?')
  const name = optional ? head.slice(0, -1) : head
  const paren = open === -1 ? '' : key.slice(open + 1, key.endsWith(')') ? -1 : undefined)
  const text = typeof value === 'string' ? value : ''
  const typeSource = paren || text
  const comma = typeSource.indexOf(',')
  const type = (comma === -1 ? typeSource : typeSource.slice(0, comma)).trim() || (typeof value === 'object' && value ? 'object' : 'any')
  const descriptionSource = paren ? text || paren.slice(comma + 1) : text.slice(comma + 1)
  const description = comma === -1 && !paren ? undefined : descriptionSource.trim() || undefined
  return { name, type, optional, ...(description ? { description } : {}) }
}

/** Declared variables of an input.schema, Picoschema or JSON Schema; null when there is none. */
export function declaredVariables(schema: unknown): DeclaredVariable[] | null {
  if (schema === undefined || schema === null) return null
  if (typeof schema !== 'object' || Array.isArray(schema)) return []
  const obj = schema as Record<string, unknown>
  if (obj.type === 'object' || (typeof obj.properties === 'object' && obj.properties !== null)) {
    const required = new Set(Array.isArray(obj.required) ? (obj.required as string[]) : [])
    return Object.entries((obj.properties ?? {}) as Record<string, { type?: string; description?: string }>).map(([name, prop]) => ({
      name,
      type: typeof prop?.type === 'string' ? prop.type : 'any',
      optional: !required.has(name),
      ...(typeof prop?.description === 'string' ? { description: prop.description } : {}),
    }))
  }
  return Object.entries(obj)
    .filter(([key]) => key !== '(*)')
    .map(([key, value]) => readPicoKey(key, value))
}

/** Variables the body uses: roots of `{{name.path}}` and block arguments, skipping helpers, literals and `#each` scopes. */
export function variableUses(body: string, firstLine: number): VariableUse[] {
  const uses: VariableUse[] = []
  const lines = body.split('\n')
  // Inside #each / #with, names are relative to the item: they are not top-level inputs.
  let scopedDepth = 0
  const tag = /\{\{(!--[\s\S]*?--|![^}]*|[^}]*)\}\}/g
  lines.forEach((text, index) => {
    for (const match of text.matchAll(tag)) {
      const inner = match[1] ?? ''
      if (inner.startsWith('!')) continue
      const start = (match.index ?? 0) + 2
      const trimmed = inner.replace(/^\{/, '')
      const lead = /^\s*~?\s*([#/^]?)\s*/.exec(trimmed)![0]
      const sigil = lead.replace(/[\s~]/g, '')
      const words = [...trimmed.slice(lead.length).matchAll(/"[^"]*"|'[^']*'|[^\s=()~]+=|[^\s()~]+/g)]
      const helper = words[0]?.[0] ?? ''
      if (sigil === '/') {
        if ((helper === 'each' || helper === 'with') && scopedDepth > 0) scopedDepth--
        continue
      }
      const isCall = sigil === '#' || sigil === '^' || NOT_VARIABLES.has(helper) || words.length > 1
      const candidates = isCall ? words.slice(1) : words
      if (scopedDepth === 0) {
        for (const word of candidates) {
          const token = word[0]
          if (/^["'\d-]|=$|^@|^\.\.?\/|^(true|false|null|undefined)$/.test(token)) continue
          const root = token.split('.')[0]!
          if (NOT_VARIABLES.has(root) || !/^[A-Za-z_$][\w$-]*$/.test(root)) continue
          const column = start + 1 + (inner.length - trimmed.length) + lead.length + (word.index ?? 0)
          uses.push({ name: root, line: firstLine + index, startColumn: column, endColumn: column + root.length })
        }
      }
      if (sigil === '#' && (helper === 'each' || helper === 'with')) scopedDepth++
    }
  })
  return uses
}

/** The outline of a prompt's text; an unreadable front matter gives `declared: null` (validation reports it). */
export function outlinePrompt(text: string): PromptOutline {
  const match = FRONT_MATTER.exec(text)
  if (!match) return { declared: null, uses: variableUses(text, 1), bodyLine: 1 }
  const bodyLine = match[0].split('\n').length - (match[0].endsWith('\n') ? 0 : -1)
  let declared: DeclaredVariable[] | null
  try {
    const data = parseYaml(match[1] ?? '') as { input?: { schema?: unknown; default?: Record<string, unknown> } } | null
    declared = declaredVariables(data?.input?.schema)
    const defaults = Object.keys(data?.input?.default ?? {})
    if (declared) for (const name of defaults) if (!declared.some((d) => d.name === name)) declared.push({ name, type: 'any', optional: true })
  } catch {
    declared = null
  }
  return { declared, uses: variableUses(text.slice(match[0].length), bodyLine), bodyLine }
}

/** Uses of variables input.schema does not declare (none when there is no schema). */
export function unknownVariables(outline: PromptOutline): VariableUse[] {
  if (!outline.declared) return []
  const names = new Set(outline.declared.map((d) => d.name))
  return outline.uses.filter((use) => !names.has(use.name))
}

/** Names to offer inside `{{ }}`: declared first, then used-but-undeclared. */
export function completionNames(outline: PromptOutline): string[] {
  return [...new Set([...(outline.declared ?? []).map((d) => d.name), ...outline.uses.map((u) => u.name)])]
}
