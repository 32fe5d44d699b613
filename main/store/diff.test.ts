import { describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { ObjectDiffSchema } from '../../common/schemas/diff'
import { diffObjects, formatUnifiedDiff } from './diff'
import { diffFields, joinPath } from './diff/fields'
import { diffText } from './diff/text'

/** The diff survives JSON and validates against its schema (it crosses IPC and HTTP). */
function roundTrips(diff: unknown): void {
  const wire = JSON.parse(JSON.stringify(diff)) as unknown
  expect(ObjectDiffSchema.parse(wire)).toEqual(diff)
}

describe('text diff', () => {
  it('numbers lines on both sides and counts them', () => {
    const diff = diffText('a\nb\nc\n', 'a\nB\nc\nd\n')
    expect(diff.stats).toEqual({ added: 2, removed: 1 })
    expect(diff.hunks).toHaveLength(1)
    expect(diff.hunks[0]!.lines[1]).toEqual({ type: 'removed', text: 'b', oldLine: 2, newLine: null })
    // Exact order as a unified diff prints it.
    expect(diff.hunks[0]!.lines.map((l) => `${l.type[0]}${l.oldLine ?? '-'}:${l.newLine ?? '-'} ${l.text}`)).toEqual([
      'c1:1 a',
      'r2:- b',
      'a-:2 B',
      'c3:3 c',
      'a-:4 d',
    ])
  })

  it('has no hunks for equal texts', () => {
    expect(diffText('x\n', 'x\n')).toEqual({ hunks: [], stats: { added: 0, removed: 0 } })
    expect(formatUnifiedDiff(diffText('x\n', 'x\n'), { before: 'a/x', after: 'b/x' })).toBe('')
  })

  it('prints a unified diff git would print, with separate hunks beyond the context', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n'
    const after = before.replace('line 2\n', 'line two\n').replace('line 18\n', '')
    const text = formatUnifiedDiff(diffText(before, after), { before: 'a/p.prompt', after: 'b/p.prompt' })
    expect(text).toBe(
      [
        '--- a/p.prompt',
        '+++ b/p.prompt',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -15,6 +15,5 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    )
  })

  it('marks a missing final newline and prints the marker', () => {
    const diff = diffText('a\nb', 'a\nb\n')
    expect(diff.hunks[0]!.lines).toContainEqual({ type: 'removed', text: 'b', oldLine: 2, newLine: null, noNewlineAtEnd: true })
    expect(formatUnifiedDiff(diff, { before: 'a', after: 'b' })).toContain('-b\n\\ No newline at end of file\n+b\n')
  })

  it('diffs a new and a deleted file against nothing', () => {
    const created = diffText(null, 'x\ny\n')
    expect(formatUnifiedDiff(created, { before: '/dev/null', after: 'b/x' })).toContain('@@ -0,0 +1,2 @@\n+x\n+y\n')
    const deleted = diffText('x\n', null)
    expect(deleted.hunks[0]!.lines).toEqual([{ type: 'removed', text: 'x', oldLine: 1, newLine: null }])
  })

  it('falls back to one whole-text hunk when the texts are too different to align', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n') + '\n'
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join('\n')
    const started = performance.now()
    const diff = diffText(before, after)
    expect(performance.now() - started).toBeLessThan(5000)
    expect(diff.coarse).toBe(true)
    expect(diff.stats).toEqual({ added: 3000, removed: 3000 })
    expect(diff.hunks[0]!.lines.at(-1)).toMatchObject({ type: 'added', text: 'new 2999', newLine: 3000, noNewlineAtEnd: true })
    expect(formatUnifiedDiff(diff, { before: 'a', after: 'b' })).toMatch(/^--- a\n\+\+\+ b\n@@ -1,3000 \+1,3000 @@\n-old 0\n/)
  })
})

describe('field changes', () => {
  it('recurses into objects and reports added, removed and changed with dotted paths', () => {
    expect(diffFields({ config: { temperature: 0.2, stop: null }, model: 'a' }, { config: { temperature: 0.7, top_p: 1 }, model: 'a' })).toEqual([
      { path: 'config.temperature', change: 'changed', before: 0.2, after: 0.7 },
      { path: 'config.stop', change: 'removed', before: null },
      { path: 'config.top_p', change: 'added', after: 1 },
    ])
  })

  it('compares equal-length arrays element-wise and others whole', () => {
    expect(diffFields({ tags: ['a', 'b'], m: [{ role: 'user', content: 'hi' }] }, { tags: ['a', 'c'], m: [{ role: 'user', content: 'yo' }] })).toEqual([
      { path: 'tags.1', change: 'changed', before: 'b', after: 'c' },
      { path: 'm.0.content', change: 'changed', before: 'hi', after: 'yo' },
    ])
    expect(diffFields({ tags: ['a'] }, { tags: ['x', 'a'] })).toEqual([{ path: 'tags', change: 'changed', before: ['a'], after: ['x', 'a'] }])
  })

  it('compares type changes whole and ignores key order', () => {
    expect(diffFields({ a: { b: 1 } }, { a: [1] })).toEqual([{ path: 'a', change: 'changed', before: { b: 1 }, after: [1] }])
    expect(diffFields({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toEqual([])
    expect(diffFields(1, 'x')).toEqual([{ path: '', change: 'changed', before: 1, after: 'x' }])
  })

  it('quotes keys that would make a path ambiguous', () => {
    expect(joinPath('a', 'b.c')).toBe('a["b.c"]')
    expect(joinPath('', '')).toBe('[""]')
    expect(joinPath('x', 3)).toBe('x.3')
    expect(diffFields({ 'k.1': 1 }, { 'k.1': 2 })[0]!.path).toBe('["k.1"]')
  })
})

describe('prompt diff', () => {
  const v1 = '---\nmodel: openai/gpt-4o\nconfig:\n  temperature: 0.2\ninput:\n  schema:\n    text: string\n---\nSummarize {{text}}.\n'

  it('reports front matter field changes beside the whole-file text diff', () => {
    const v2 = v1.replace('temperature: 0.2', 'temperature: 0.7\n  maxOutputTokens: 200').replace('model: openai/gpt-4o\n', '')
    const diff = diffObjects('prompt', v1, v2, { file: 'prompts/s.prompt' })
    expect(diff.status).toBe('changed')
    expect(diff.frontMatter).toEqual([
      { path: 'model', change: 'removed', before: 'openai/gpt-4o' },
      { path: 'config.temperature', change: 'changed', before: 0.2, after: 0.7 },
      { path: 'config.maxOutputTokens', change: 'added', after: 200 },
    ])
    expect(diff.text.stats).toEqual({ added: 2, removed: 2 })
    expect(diff.problems).toBeUndefined()
    roundTrips(diff)
  })

  it('has no field changes when only the body changed', () => {
    const diff = diffObjects('prompt', v1, v1.replace('Summarize', 'Briefly summarize'))
    expect(diff.frontMatter).toEqual([])
    expect(diff.text.hunks[0]!.lines.find((l) => l.type === 'added')).toMatchObject({ text: 'Briefly summarize {{text}}.', newLine: 9 })
  })

  it('treats a prompt without front matter as one with nothing set', () => {
    const diff = diffObjects('prompt', 'Hello {{name}}\n', '---\nmodel: m\n---\nHello {{name}}\n')
    expect(diff.frontMatter).toEqual([{ path: 'model', change: 'added', after: 'm' }])
  })

  it('lists every field as added for a new prompt and removed for a deleted one', () => {
    const created = diffObjects('prompt', null, v1)
    expect(created.status).toBe('added')
    expect(created.frontMatter.map((c) => `${c.change} ${c.path}`)).toEqual(['added model', 'added config', 'added input'])
    expect(diffObjects('prompt', v1, null).frontMatter.every((c) => c.change === 'removed')).toBe(true)
    expect(diffObjects('prompt', v1, v1)).toMatchObject({ status: 'unchanged', frontMatter: [], text: { hunks: [] } })
  })

  it('reports front matter that is not YAML with its line in the file, and still diffs the text', () => {
    const broken = '---\nmodel: a\nconfig: [unclosed\n---\nHi\n'
    const diff = diffObjects('prompt', v1, broken)
    expect(diff.frontMatter).toEqual([])
    expect(diff.problems).toHaveLength(1)
    expect(diff.problems![0]).toMatchObject({ side: 'after', line: 3 })
    expect(diff.text.stats.added).toBeGreaterThan(0)
    roundTrips(diff)
  })

  it('counts front matter lines after leading blank lines', () => {
    const diff = diffObjects('prompt', '---\n\n\na: 1\nb: [\n---\nx\n', '---\na: 1\n---\nx\n')
    expect(diff.problems![0]).toMatchObject({ side: 'before', line: 5 })
  })
})

describe('config diff', () => {
  it('diffs YAML fields and text for models, scorers and evaluations', () => {
    const before = 'provider: openai\nmodel: gpt-4o\nparameters:\n  temperature: 0.2\n  stop: ["\\n"]\n'
    const after = 'provider: openai\nmodel: gpt-4o-mini\nparameters:\n  temperature: 0.2\n  stop: ["\\n", "END"]\n'
    const diff = diffObjects('model', before, after)
    expect(diff.kind).toBe('model')
    expect(diff.fields).toEqual([
      { path: 'model', change: 'changed', before: 'gpt-4o', after: 'gpt-4o-mini' },
      { path: 'parameters.stop', change: 'changed', before: ['\n'], after: ['\n', 'END'] },
    ])
    expect(diff.text.stats).toEqual({ added: 2, removed: 2 })
    roundTrips(diff)
    expect(diffObjects('scorer', 'type: equals\n', 'type: regex\n').fields).toEqual([{ path: 'type', change: 'changed', before: 'equals', after: 'regex' }])
    expect(diffObjects('evaluation', null, 'trials: 3\n')).toMatchObject({ status: 'added', fields: [{ path: 'trials', change: 'added', after: 3 }] })
  })

  it('keeps YAML-only values JSON-safe', () => {
    const diff = diffObjects('model', 'x: 1\n', 'x: .inf\n')
    expect(diff.fields).toEqual([{ path: 'x', change: 'changed', before: 1, after: '.inf' }])
    roundTrips(diff)
  })

  it('reports invalid YAML and duplicate keys as problems with lines', () => {
    const diff = diffObjects('evaluation', 'a: 1\na: 2\n', 'a: 1\nb: : :\n')
    expect(diff.problems).toEqual([
      expect.objectContaining({ side: 'before', line: 2 }),
      expect.objectContaining({ side: 'after', line: 2 }),
    ])
    expect(diff.fields).toEqual([])
  })

  it('refuses a bad limit or context', () => {
    expect(() => diffObjects('dataset', '', '', { limit: -1 })).toThrow(WeftError)
    expect(() => diffObjects('model', '', '', { context: 1.5 })).toThrow(/context/)
  })
})
