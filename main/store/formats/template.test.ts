import { describe, expect, it } from 'vitest'
import { Dotprompt } from 'dotprompt'
import { DOTPROMPT_HELPERS, templateVariables } from './template'

describe('DOTPROMPT_HELPERS', () => {
  it('is the list dotprompt registers (update it when dotprompt adds one)', () => {
    // Private in dotprompt; read here only, so the product code does not depend on it.
    const registered = Object.keys((new Dotprompt() as unknown as { knownHelpers: Record<string, true> }).knownHelpers)
    expect([...registered].sort()).toEqual([...DOTPROMPT_HELPERS].sort())
  })
})

describe('templateVariables', () => {
  it.each([
    ['{{role "system"}}Hi {{name}}, {{name}} again', ['name']],
    ['{{#if tier}}{{tier}}{{else}}{{fallback}}{{/if}}', ['tier', 'fallback']],
    ['{{#unless a}}{{b}}{{/unless}}{{#ifEquals c "x"}}{{d}}{{/ifEquals}}', ['a', 'b', 'c', 'd']],
    ['{{json doc.body indent=2}} {{media url=image contentType=type}}', ['doc', 'image', 'type']],
    ['{{#each items}}{{title}} {{../heading}} {{@root.footer}} {{@index}}{{/each}}', ['items', 'heading', 'footer']],
    ['{{#each items as |item|}}{{item.title}}{{/each}}', ['items']],
    ['{{#with user}}{{name}}{{else}}{{anonymous}}{{/with}}', ['user', 'anonymous']],
    ['{{#customer}}{{plan}} {{../greeting}}{{/customer}}', ['customer', 'greeting']],
    ['{{lookup table key}} {{this.direct}} {{./dot}}', ['table', 'key', 'direct', 'dot']],
    ['{{history}}{{section "x"}}{{! {{commented}} }}', []],
    ['{{json (lookup map key)}}', ['map', 'key']],
  ])('reads %s', (template, expected) => {
    expect(templateVariables(template)).toEqual(expected)
  })
})
