/**
 * Prompts: Dotprompt files — YAML front matter between `---` lines, then a
 * Handlebars template. The canonical form is the user's text with
 * normalised line endings; it is validated the way dotprompt will read it,
 * but with the file line of every problem (dotprompt logs a bad front matter
 * to the console and carries on with the whole file as the template).
 */
import { WeftError } from '../../../common/errors'
import { PromptFrontMatterSchema, type PromptFrontMatter } from '../../../common/schemas/objects'
import { parseYamlWithSchema } from '../../../common/yaml'
import { checkTemplate } from './template'
import { invalidFile, lineAt, normalizeText, shiftLines } from './text'

/**
 * dotprompt's FRONTMATTER_AND_BODY_REGEX (src/parse.ts, not exported), with
 * indices: the front matter is what it will read, to the character.
 */
const FRONT_MATTER = /^---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$/d

/** A prompt file, split and validated. */
export interface PromptFile {
  /** The front matter (empty when the file has none). */
  frontMatter: PromptFrontMatter
  /** The template as dotprompt sees it: the body, trimmed. */
  template: string
  /** The untrimmed body and its first line in the file, for error lines. */
  body: string
  bodyLine: number
}

/** Splits and validates a prompt (front matter, Picoschema, template); throws INVALID_FILE with file and line. */
export function parsePrompt(text: string, file: string): PromptFile {
  const content = normalizeText(text)
  if (content.trim() === '') throw invalidFile([{ file, line: 1, path: '', message: 'the prompt is empty' }])
  const match = FRONT_MATTER.exec(content)
  const yaml = match?.[1]
  if (!yaml) {
    // dotprompt would read such a file as all template, `---` lines included.
    if (/^---[ \t]*\n/.test(content)) {
      const message = match
        ? 'the front matter between the --- lines is empty; remove both lines or add fields'
        : 'the front matter opened here has no closing --- line'
      throw invalidFile([{ file, line: 1, path: '', message }])
    }
    checkTemplate(content, file, 1)
    return { frontMatter: {}, template: content, body: content, bodyLine: 1 }
  }
  const [yamlStart] = match.indices![1]!
  const [bodyStart] = match.indices![2]!
  let frontMatter: PromptFrontMatter
  try {
    frontMatter = parseYamlWithSchema(yaml, PromptFrontMatterSchema, file)
  } catch (error) {
    throw error instanceof WeftError ? shiftLines(error, lineAt(content, yamlStart) - 1) : error
  }
  const body = match[2]!
  const bodyLine = lineAt(content, bodyStart)
  checkTemplate(body, file, bodyLine)
  return { frontMatter, template: body.trim(), body, bodyLine }
}

/** Canonical text (the user's, line endings normalised) and the parsed prompt; throws INVALID_FILE. */
export function canonicalizePrompt(text: string, file: string): { content: string; data: PromptFile } {
  const content = normalizeText(text)
  return { content, data: parsePrompt(content, file) }
}
