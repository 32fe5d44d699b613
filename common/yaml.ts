/**
 * YAML read against a zod schema, with errors that say file, line and field —
 * every YAML file a project holds (weft.yaml, models, scorers, evaluations)
 * is read through here.
 */
import { LineCounter, isMap, isNode, isScalar, parseDocument } from 'yaml'
import type { z } from 'zod'
import { WeftError, type ErrorIssue } from './errors'

/** Parses YAML text and validates it; throws INVALID_FILE with file/line/field issues. */
export function parseYamlWithSchema<S extends z.ZodType>(text: string, schema: S, file: string): z.output<S> {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    const issues: ErrorIssue[] = doc.errors.map((e) => ({
      path: '',
      file,
      line: lineCounter.linePos(e.pos[0]).line,
      message: e.message.split('\n')[0] ?? e.message,
    }))
    throw new WeftError('INVALID_FILE', `${file}:${issues[0]?.line}: ${issues[0]?.message}`, issues)
  }
  const parsed = schema.safeParse(doc.toJS() ?? {})
  if (parsed.success) return parsed.data
  // An unknown key is reported at the key itself, one issue per key.
  const flat = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown field "${key}"` }))
      : [{ path: issue.path, message: issue.message }],
  )
  const issues: ErrorIssue[] = flat.map((issue) => {
    // Point at the deepest node that exists along the path (a missing field
    // points at its parent).
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
    let line = 1
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)
      if (isNode(node) && node.range) {
        line = lineCounter.linePos(node.range[0]).line
        break
      }
      if (depth > 0) {
        // A key whose value is null has no value node; find the key's pair instead.
        const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true)
        const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === path[depth - 1]) : undefined
        if (pair && isNode(pair.key) && pair.key.range) {
          line = lineCounter.linePos(pair.key.range[0]).line
          break
        }
      }
    }
    return { path: path.join('.'), file, line, message: issue.message }
  })
  const first = issues[0]!
  throw new WeftError(
    'INVALID_FILE',
    `${file}:${first.line}: ${first.path ? `${first.path}: ` : ''}${first.message}`,
    issues,
  )
}
