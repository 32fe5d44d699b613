import { describe, expect, it } from 'vitest'
import { dotpromptLanguage } from './dotprompt'

type Rule = [RegExp, unknown] | { include: string }

const SAMPLE_LINES = [
  '---',
  'model: openai/gpt-4o-mini',
  '  temperature: 0.2',
  '  - item: x',
  "    ticket: string, the customer's message",
  '    customer_tier?: string, free | pro',
  '# a comment',
  '{{role "system"}} Hi {{#if x}}{{name}}{{/if}} {{! note }} {{!-- long --}}',
]

// Monarch reads the length of every capture group of a rule with one token per group;
// a group that can stay undefined crashes the tokenizer at runtime (in Monaco only).
describe('dotprompt grammar', () => {
  const states = dotpromptLanguage.tokenizer as Record<string, Rule[]>
  const grouped = Object.entries(states).flatMap(([state, rules]) =>
    rules.filter((r): r is [RegExp, unknown[]] => Array.isArray(r) && Array.isArray(r[1])).map((r) => ({ state, regex: r[0], actions: r[1] })),
  )

  it('has rules with grouped actions to check', () => {
    expect(grouped.length).toBeGreaterThan(0)
  })

  it.each(grouped)('$state $regex: one action per group, every group defined when it matches', ({ regex, actions }) => {
    let matchedSomething = false
    for (const line of SAMPLE_LINES) {
      const match = new RegExp(regex.source).exec(line)
      if (!match) continue
      matchedSomething = true
      expect(match.length - 1).toBe(actions.length)
      expect(match.slice(1).every((g) => g !== undefined)).toBe(true)
    }
    expect(matchedSomething).toBe(true)
  })
})
