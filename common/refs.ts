/**
 * References name any version of any object: `prompt:summarize@production`,
 * `dataset:tickets@v3`, `model:fast@1a2b3c4`, `prompt:summarize@latest`,
 * `prompt:summarize@my-branch`, and the URI form `weft://prompt/summarize@v3`.
 * This file only parses and formats; main/store/resolve.ts gives them meaning.
 */
import { WeftError } from './errors'
import { OBJECT_KINDS, type ObjectKind } from './schemas/project'

/** What follows `@`, classified by its shape. */
export type Selector =
  | { type: 'latest' }
  | { type: 'ordinal'; n: number }
  /** A label or a branch name; labels are tried first. */
  | { type: 'name'; name: string }
  /** A hex prefix (4–40) of a version's digest; may also be a label or branch name. */
  | { type: 'digest'; prefix: string }

/** A parsed reference. */
export interface ObjectRef {
  kind: ObjectKind
  name: string
  selector: Selector
}

/** Object names: safe file names on every OS, no path separators, no leading dot. */
export const OBJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/

/** Label names: like git ref components, and never a shape that means something else. */
export const LABEL_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/

const RESERVED_WINDOWS_NAMES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i

/** Why `name` cannot be an object name, or null when it can. */
export function objectNameProblem(name: string): string | null {
  if (!OBJECT_NAME_PATTERN.test(name)) {
    return 'may use letters, digits, ".", "_" and "-" (at most 120), starting with a letter or digit — no "/", "\\" or ".."'
  }
  if (name.includes('..')) return 'must not contain ".."'
  if (name.endsWith('.')) return 'must not end with "."'
  if (RESERVED_WINDOWS_NAMES.test(name)) return 'is a reserved device name on Windows'
  return null
}

/** Why `label` cannot be a label name, or null when it can. */
export function labelNameProblem(label: string): string | null {
  if (!LABEL_NAME_PATTERN.test(label)) return 'must start with a letter and use letters, digits, ".", "_" and "-" (at most 64)'
  if (label === 'latest') return '"latest" always means the newest version and cannot be set'
  if (/^v[0-9]+$/.test(label)) return 'looks like a version number (vN)'
  if (/^[0-9a-f]{4,40}$/.test(label)) return 'looks like a digest'
  if (label.includes('..') || label.endsWith('.lock') || label.endsWith('.')) return 'is not a valid label name'
  return null
}

function fail(text: string, message: string): never {
  throw new WeftError('INVALID_REQUEST', `Invalid reference "${text}": ${message}`, [{ path: 'ref', message }])
}

/** Classifies a selector string (the part after `@`). */
export function parseSelector(text: string): Selector {
  if (text === '' || text === 'latest') return { type: 'latest' }
  const ordinal = /^v([1-9][0-9]{0,8})$/.exec(text)
  if (ordinal) return { type: 'ordinal', n: Number(ordinal[1]) }
  if (/^[0-9a-f]{4,40}$/.test(text)) return { type: 'digest', prefix: text }
  return { type: 'name', name: text }
}

/**
 * Parses `kind:name[@selector]` or `weft://kind/name[@selector]`. A missing
 * selector means `latest`. Throws INVALID_REQUEST saying what is wrong.
 */
export function parseRef(text: string, defaultKind?: ObjectKind): ObjectRef {
  const trimmed = text.trim()
  let kindText: string | undefined
  let rest: string
  const uri = /^weft:\/\/([^/]+)\/(.*)$/.exec(trimmed)
  if (uri) {
    kindText = uri[1]
    rest = uri[2]!
  } else {
    const colon = trimmed.indexOf(':')
    const at = trimmed.indexOf('@')
    if (colon > 0 && (at === -1 || colon < at)) {
      kindText = trimmed.slice(0, colon)
      rest = trimmed.slice(colon + 1)
    } else {
      rest = trimmed
    }
  }
  const kind = (kindText ?? defaultKind) as ObjectKind | undefined
  if (!kind) fail(text, 'say which kind, e.g. prompt:summarize@v3')
  if (!OBJECT_KINDS.includes(kind)) fail(text, `unknown kind "${kind}" (one of ${OBJECT_KINDS.join(', ')})`)
  const at = rest.indexOf('@')
  const name = at === -1 ? rest : rest.slice(0, at)
  const selectorText = at === -1 ? '' : rest.slice(at + 1)
  const problem = objectNameProblem(name)
  if (problem) fail(text, `name ${problem}`)
  if (selectorText.includes('@') || /\s/.test(selectorText)) fail(text, 'the part after @ must be one word')
  return { kind, name, selector: parseSelector(selectorText) }
}

/** Formats a reference back to text (`kind:name@selector`). */
export function formatRef(ref: { kind: ObjectKind; name: string; selector?: Selector | string }): string {
  const sel = ref.selector
  if (sel === undefined) return `${ref.kind}:${ref.name}`
  if (typeof sel === 'string') return `${ref.kind}:${ref.name}@${sel}`
  switch (sel.type) {
    case 'latest':
      return `${ref.kind}:${ref.name}@latest`
    case 'ordinal':
      return `${ref.kind}:${ref.name}@v${sel.n}`
    case 'name':
      return `${ref.kind}:${ref.name}@${sel.name}`
    case 'digest':
      return `${ref.kind}:${ref.name}@${sel.prefix}`
  }
}

/** The URI form the SDK uses: `weft://prompt/summarize@v3`. */
export function formatRefUri(ref: { kind: ObjectKind; name: string; selector?: string }): string {
  return `weft://${ref.kind}/${ref.name}${ref.selector ? `@${ref.selector}` : ''}`
}
