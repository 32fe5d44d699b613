import { describe, expect, it } from 'vitest'
import { completionNames, declaredVariables, outlinePrompt, unknownVariables, variableUses } from './promptSource'
import { starterPrompt } from './starterPrompt'

const PROMPT = [
  '---',
  'model: fast',
  'input:',
  '  schema:',
  "    ticket: string, the customer's message",
  '    tier?: string',
  '    tags(array): string',
  '---',
  '{{role "system"}}',
  'Help {{ ticket }} for {{tier}} and {{mood}}.',
  '{{#each tags}}{{this}} {{name}}{{/each}} {{! not {{x}} }} {{#if urgent}}!{{/if}}',
].join('\n')

describe('promptSource', () => {
  it('reads declared variables from Picoschema and JSON Schema', () => {
    expect(outlinePrompt(PROMPT).declared).toEqual([
      { name: 'ticket', type: 'string', optional: false, description: "the customer's message" },
      { name: 'tier', type: 'string', optional: true },
      { name: 'tags', type: 'array', optional: false, description: 'string' },
    ])
    expect(declaredVariables({ type: 'object', properties: { q: { type: 'string' } }, required: ['q'] })).toEqual([{ name: 'q', type: 'string', optional: false }])
    expect(declaredVariables(undefined)).toBeNull()
  })

  it('finds used variables with their columns, skipping helpers, comments and #each scopes', () => {
    const outline = outlinePrompt(PROMPT)
    expect(outline.bodyLine).toBe(9)
    expect(outline.uses.map((u) => u.name)).toEqual(['ticket', 'tier', 'mood', 'tags', 'urgent'])
    const mood = outline.uses.find((u) => u.name === 'mood')!
    expect(mood).toEqual({ name: 'mood', line: 10, startColumn: 38, endColumn: 42 })
    expect(PROMPT.split('\n')[9]!.slice(mood.startColumn - 1, mood.endColumn - 1)).toBe('mood')
    expect(unknownVariables(outline).map((u) => u.name)).toEqual(['mood', 'urgent'])
    expect(completionNames(outline)).toEqual(['ticket', 'tier', 'tags', 'mood', 'urgent'])
  })

  it('marks nothing unknown without a schema, and survives broken YAML', () => {
    expect(unknownVariables(outlinePrompt('Hi {{name}}'))).toEqual([])
    expect(outlinePrompt('---\ninput: [\n---\nHi {{name}}').declared).toBeNull()
    expect(variableUses('{{~ name ~}} {{{raw}}} {{json data}}', 1).map((u) => u.name)).toEqual(['name', 'raw', 'data'])
  })

  it('starts new prompts from a template whose variables are declared', () => {
    const outline = outlinePrompt(starterPrompt())
    expect(unknownVariables(outline)).toEqual([])
    expect(completionNames(outline)).toEqual(['question'])
  })
})
