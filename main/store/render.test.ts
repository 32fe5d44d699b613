import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { WeftError } from '../../common/errors'
import { renderPrompt } from './render'

const sample = (name: string) => readFileSync(`resources/sample-project/prompts/${name}.prompt`, 'utf8')

async function failure(promise: Promise<unknown>): Promise<WeftError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WeftError) return error
    throw error
  }
  throw new Error('expected a failure')
}

describe('renderPrompt', () => {
  it('renders the sample summarize prompt with its variables', async () => {
    const result = await renderPrompt(sample('summarize'), { ticket: 'Export is broken.', customer_tier: 'pro' }, 'prompts/summarize.prompt')
    expect(result).toEqual({
      messages: [
        { role: 'system', content: expect.stringMatching(/^You summarise customer support tickets[\s\S]*The customer is on the pro plan\.$/) },
        { role: 'user', content: 'Export is broken.' },
      ],
      config: { temperature: 0.2, maxOutputTokens: 200 },
      model: 'openai/gpt-4o-mini',
      missing: [],
      unexpected: [],
    })
    expect(JSON.parse(JSON.stringify(result))).toEqual(result)
  })

  it('renders without variables and reports the required ones missing, not the optional ones', async () => {
    const result = await renderPrompt(sample('summarize'), {}, 'prompts/summarize.prompt')
    expect(result.missing).toEqual(['ticket'])
    expect(result.messages.map((m) => m.role)).toEqual(['system'])
    expect(result.messages[0]!.content).not.toMatch(/plan/)
  })

  it('reports variables that are neither declared nor used', async () => {
    const result = await renderPrompt(sample('classify-ticket'), { ticket: 'x', customer_tier: 'pro' }, 'prompts/classify-ticket.prompt')
    expect(result).toMatchObject({ missing: [], unexpected: ['customer_tier'], config: { temperature: 0 } })
  })

  it('counts template variables without a schema, and applies input.default', async () => {
    const source = '---\ninput:\n  default:\n    greeting: Hello\n---\n{{greeting}} {{name}}, {{#each items}}{{this}} {{/each}}\n'
    const result = await renderPrompt(source, { items: ['a', 'b'], extra: true }, 'prompts/p.prompt')
    expect(result).toEqual({ messages: [{ role: 'user', content: 'Hello , a b' }], config: {}, missing: ['name'], unexpected: ['extra'] })
  })

  it('accepts any variable when the schema has a wildcard', async () => {
    const source = '---\ninput:\n  schema:\n    q: string\n    (*): any\n---\n{{q}}\n'
    expect((await renderPrompt(source, { q: 'x', other: 1 }, 'prompts/p.prompt')).unexpected).toEqual([])
  })

  it('turns media, sections and history into text', async () => {
    const source = '{{role "system"}}Look:{{media url=image contentType="image/png"}}{{section "docs"}}\n{{role "user"}}{{json data}}{{history}}'
    const result = await renderPrompt(source, { image: 'https://example.com/a.png', data: { a: 1 } }, 'prompts/p.prompt')
    expect(result.messages).toEqual([
      { role: 'system', content: 'Look:[media: https://example.com/a.png (image/png)][section: docs]' },
      { role: 'user', content: '{"a":1}' },
    ])
  })

  it('throws INVALID_FILE with the line for a bad prompt', async () => {
    const yaml = await failure(renderPrompt('---\nmodel: [x\n---\nHi\n', {}, 'prompts/p.prompt'))
    expect(yaml).toMatchObject({ code: 'INVALID_FILE', issues: [{ file: 'prompts/p.prompt', line: 2 }] })
    const template = await failure(renderPrompt('---\nmodel: x\n---\nHi {{#if a}}\n', {}, 'prompts/p.prompt'))
    expect(template.issues?.[0]).toMatchObject({ line: 4, path: 'template' })
  })

  it('throws INVALID_FILE for a template that fails while rendering', async () => {
    const error = await failure(renderPrompt('---\nmodel: x\n---\nfirst\n{{#each}}x{{/each}}\n', {}, 'prompts/p.prompt'))
    // Handlebars' runtime errors carry no position: the template's first line stands in.
    expect(error).toMatchObject({ code: 'INVALID_FILE', issues: [{ file: 'prompts/p.prompt', path: 'template', line: 4, message: expect.stringMatching(/Must pass iterator to #each/) }] })
  })
})
