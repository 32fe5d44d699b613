/**
 * The Handlebars body of a prompt: checked the way dotprompt will compile it
 * (its helpers only, `knownHelpersOnly`), with the file line of any error,
 * and read for the variables it uses.
 */
// dotprompt compiles with this same Handlebars (a dependency of dotprompt
// that it does not re-export); `handlebars` and dotprompt's deep import
// resolve to one instance.
import Handlebars from 'handlebars'
import type { ErrorIssue } from '../../../common/errors'
import { invalidFile } from './text'

/**
 * The helpers dotprompt 1.1.2 registers (src/helpers.ts). It compiles with
 * `knownHelpersOnly`, so any other helper fails at render time; listing them
 * here lets a save fail instead. template.test.ts checks this list against
 * dotprompt's own.
 */
export const DOTPROMPT_HELPERS = ['json', 'role', 'history', 'section', 'media', 'ifEquals', 'unlessEquals'] as const

const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'log']
const KNOWN_HELPERS = new Set<string>([...DOTPROMPT_HELPERS, ...BUILTIN_HELPERS])

type Ast = hbs.AST.Node & Record<string, unknown>

/** Calls every node under `node` (partials included; expressions too). */
function walk(node: unknown, visit: (node: Ast) => void): void {
  if (Array.isArray(node)) for (const child of node) walk(child, visit)
  else if (node && typeof node === 'object' && typeof (node as Ast).type === 'string') {
    visit(node as Ast)
    for (const [key, child] of Object.entries(node)) if (key !== 'loc' && key !== 'strip') walk(child, visit)
  }
}

function templateError(file: string, line: number, message: string): never {
  const issue: ErrorIssue = { file, line, path: 'template', message }
  throw invalidFile([issue])
}

/**
 * Throws INVALID_FILE if `body` will not compile in dotprompt: a syntax
 * error, an unknown helper, or a partial (`{{> name}}` — Weft has no
 * partials to resolve it from). `firstLine` is the body's line in the file.
 */
export function checkTemplate(body: string, file: string, firstLine: number): void {
  // An error at the end of the body (an unclosed block) is reported on its last line, not one past it.
  const lastLine = body.split('\n').length - (body.endsWith('\n') ? 1 : 0)
  const at = (line: number | undefined) => firstLine + Math.min(Math.max(1, line ?? 1), Math.max(1, lastLine)) - 1
  let ast: hbs.AST.Program
  try {
    ast = Handlebars.parse(body)
  } catch (error) {
    const e = error as Error & { lineNumber?: number }
    // Jison errors say "Parse error on line N:\n<context>\n---^\nExpecting …"; Handlebars' own carry lineNumber.
    const line = e.lineNumber ?? Number(/on line (\d+)/.exec(e.message)?.[1] ?? 1)
    const lines = e.message.split('\n')
    if (/OPEN_ENDBLOCK.*got 'EOF'/.test(e.message)) return templateError(file, at(line), 'a {{#block}} is not closed: add its {{/block}}')
    const detail = lines.length >= 4 ? `${lines[3]} near "${lines[1]}"` : (lines[0] ?? e.message)
    return templateError(file, at(line), `Handlebars syntax error: ${detail.replace(/ - \d+:\d+$/, '')}`)
  }
  walk(ast, (node) => {
    if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
      templateError(file, at(node.loc?.start.line), 'partials ({{> name}}) are not supported; put the text in the prompt')
    }
  })
  try {
    Handlebars.precompile(ast, { knownHelpers: Object.fromEntries([...KNOWN_HELPERS].map((h) => [h, true])), knownHelpersOnly: true })
  } catch (error) {
    const e = error as Error & { lineNumber?: number }
    const unknown = /unknown helper (\S+)/.exec(e.message)?.[1]
    const message = unknown
      ? `unknown helper "${unknown}" (helpers: ${[...KNOWN_HELPERS].join(', ')})`
      : e.message.replace(/ - \d+:\d+$/, '')
    templateError(file, at(e.lineNumber), message)
  }
}

type Call = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression

/** A helper call rather than a lookup: it has arguments, or its name is a helper. */
function isHelperCall(node: Call): boolean {
  return node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0 || (node.path.type === 'PathExpression' && KNOWN_HELPERS.has((node.path as hbs.AST.PathExpression).original))
}

/**
 * Top-level input variables `body` reads, in order of first use: `{{name}}`,
 * `{{#if name}}`, `{{json name.field}}`, `{{@root.name}}`, `{{../name}}`
 * from inside a block. Names inside `{{#each}}`, `{{#with}}` or a section
 * block belong to that block's context and are not input variables.
 * `body` must parse (see {@link checkTemplate}).
 */
export function templateVariables(body: string): string[] {
  const found = new Set<string>()
  const expression = (node: hbs.AST.Node, level: number): void => {
    if (node.type === 'SubExpression') return call(node as hbs.AST.SubExpression, level)
    if (node.type !== 'PathExpression') return
    const path = node as hbs.AST.PathExpression
    if (path.data) {
      if (path.parts[0] === 'root' && path.parts[1]) found.add(path.parts[1])
    } else if (path.depth === level && path.parts[0]) {
      found.add(path.parts[0])
    }
  }
  const call = (node: Call, level: number): void => {
    if (!isHelperCall(node)) return expression(node.path, level)
    for (const param of node.params) expression(param, level)
    for (const pair of node.hash?.pairs ?? []) expression(pair.value, level)
  }
  const program = (node: hbs.AST.Program | undefined, level: number): void => {
    for (const statement of node?.body ?? []) {
      if (statement.type === 'MustacheStatement') call(statement as hbs.AST.MustacheStatement, level)
      else if (statement.type === 'BlockStatement') {
        const block = statement as hbs.AST.BlockStatement
        call(block, level)
        // each, with and sections (`{{#name}}`) render their body in a new context; if/unless and dotprompt's do not.
        const name = block.path.original
        const newContext = !isHelperCall(block) || name === 'each' || name === 'with'
        program(block.program, newContext ? level + 1 : level)
        program(block.inverse, level)
      }
    }
  }
  program(Handlebars.parse(body), 0)
  return [...found]
}
