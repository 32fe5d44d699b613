import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { Dotprompt } from 'dotprompt'
import { WeftError } from '../../../common/errors'
import { canonicalizePrompt, parsePrompt } from './prompt'

const FILE = 'prompts/summarize.prompt'

function failure(text: string): WeftError {
  try {
    parsePrompt(text, FILE)
  } catch (error) {
    if (error instanceof WeftError) return error
    throw error
  }
  throw new Error('expected a failure')
}

describe('parsePrompt', () => {
  it('splits front matter and template where dotprompt does', () => {
    const dotprompt = new Dotprompt()
    for (const name of ['summarize', 'classify-ticket']) {
      const text = readFileSync(`resources/sample-project/prompts/${name}.prompt`, 'utf8')
      const ours = parsePrompt(text, `prompts/${name}.prompt`)
      const theirs = dotprompt.parse(text)
      expect(ours.template).toBe(theirs.template)
      expect(ours.frontMatter).toEqual(theirs.raw)
      expect(ours.frontMatter.model).toBe('openai/gpt-4o-mini')
    }
  })

  it('reads a file without front matter as all template', () => {
    expect(parsePrompt('Hello {{name}}', FILE)).toMatchObject({ frontMatter: {}, template: 'Hello {{name}}\n', bodyLine: 1 })
  })

  it('gives the file line of invalid YAML front matter', () => {
    const error = failure('---\nmodel: x\nconfig: [unclosed\n---\nHi\n')
    expect(error.code).toBe('INVALID_FILE')
    expect(error.issues?.[0]).toMatchObject({ file: FILE, line: 3 })
    expect(error.message).toMatch(/^prompts\/summarize\.prompt:3: /)
  })

  it('gives file, line and field of a bad input.schema', () => {
    const error = failure('---\nmodel: x\ninput:\n  schema:\n    ticket: strng, the message\n---\n{{ticket}}\n')
    expect(error.issues?.[0]).toEqual({ file: FILE, line: 5, path: 'input.schema.ticket', message: expect.stringMatching(/unknown type "strng"/) })
    expect(error.message).toMatch(/^prompts\/summarize\.prompt:5: input\.schema\.ticket: unknown type "strng"/)
  })

  it('refuses an unknown front-matter field at its line', () => {
    const error = failure('---\nmodel: x\nconfg: { temperature: 1 }\n---\nHi\n')
    expect(error.issues?.[0]).toMatchObject({ line: 3, path: 'confg', message: expect.stringMatching(/unknown field "confg"/) })
  })

  it('refuses duplicate keys in the front matter', () => {
    expect(failure('---\nmodel: a\nmodel: b\n---\nHi\n').issues?.[0]).toMatchObject({ line: 3 })
  })

  it('refuses unclosed and empty front matter, which dotprompt would read as template', () => {
    expect(failure('---\nmodel: x\nHello\n').issues?.[0]).toMatchObject({ line: 1, message: expect.stringMatching(/no closing ---/) })
    expect(failure('---\n\n---\nHello\n').issues?.[0]).toMatchObject({ line: 1, message: expect.stringMatching(/empty/) })
    expect(failure('\n\n').issues?.[0]).toMatchObject({ line: 1, message: 'the prompt is empty' })
  })

  it.each([
    ['an unclosed block', '{{#if x}}\nyes\n', 6, /a \{\{#block\}\} is not closed/],
    ['a broken mustache', 'a\n\nb {{x\n', 7, /Handlebars syntax error: Expecting .* near "ab \{\{x"/],
    ['a bad close', 'a {{/if}}\n', 5, /Handlebars syntax error: /],
    ['mismatched blocks', '{{#if x}}\n{{/each}}\n', 5, /if doesn't match each/],
    ['an unknown helper', 'Hi\n{{uppercase name}}\n', 6, /unknown helper "uppercase"/],
    ['a partial', 'Hi\n\n{{> footer}}\n', 7, /partials .* are not supported/],
  ])('gives the file line of %s in the template', (_, template, line, message) => {
    const error = failure(`---\nmodel: x\n---\n\n${template}`)
    expect(error.issues?.[0]).toEqual({ file: FILE, line, path: 'template', message: expect.stringMatching(message) })
    expect(error.message.startsWith(`${FILE}:${line}: template: `)).toBe(true)
  })

  it('counts template lines from line 1 without front matter', () => {
    expect(failure('one\ntwo {{#each}}\n').issues?.[0]?.line).toBe(2)
  })
})

describe('canonicalizePrompt', () => {
  it('normalises line endings only, and is idempotent', () => {
    const text = '\uFEFF---\r\nmodel:   x   # spacing kept\r\n---\r\n{{role "system"}}\r\n  Hi  \r\n\r\n\r\n'
    const { content } = canonicalizePrompt(text, FILE)
    expect(content).toBe('---\nmodel:   x   # spacing kept\n---\n{{role "system"}}\n  Hi  \n')
    expect(canonicalizePrompt(content, FILE).content).toBe(content)
  })
})
