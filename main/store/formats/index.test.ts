import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { WeftError } from '../../../common/errors'
import { OBJECT_KINDS, OBJECT_LAYOUT, type ObjectKind } from '../../../common/schemas/project'
import { canonicalize } from './index'

const SAMPLE = 'resources/sample-project'

/** Every object file of the sample project, with its kind. */
function sampleFiles(): { kind: ObjectKind; file: string; text: string }[] {
  return OBJECT_KINDS.flatMap((kind) => {
    const { folder } = OBJECT_LAYOUT[kind]
    let names: string[] = []
    try {
      names = readdirSync(`${SAMPLE}/${folder}`)
    } catch {}
    return names.map((name) => ({ kind, file: `${folder}/${name}`, text: readFileSync(`${SAMPLE}/${folder}/${name}`, 'utf8') }))
  })
}

/** Inputs that are valid but not canonical, per kind. */
const MESSY: [ObjectKind, string, string][] = [
  ['prompt', 'prompts/p.prompt', '\uFEFF---\r\nmodel: x\r\n---\r\nHello {{name}}\r\n\r\n'],
  ['dataset', 'datasets/d.jsonl', '{ "b": 1, "id": "x" }\r\n{"id": "y", "s": "\\u00e9"}'],
  ['model', 'models/m.yaml', 'provider: openai\r\nmodel: x'],
  ['scorer', 'scorers/s.yml', 'type: regex\nparams:\n  pattern: "^a"\n\n\n'],
  ['evaluation', 'evals/e.yaml', 'dataset: d\rtarget: { prompt: p, model: m }\rscorers: [{ id: a, type: equals }]'],
]

describe('canonicalize', () => {
  it('reads every object of the sample project', () => {
    const files = sampleFiles()
    expect(files.map((f) => f.kind).sort()).toEqual(['dataset', 'evaluation', 'model', 'model', 'prompt', 'prompt', 'queue'])
    for (const { kind, file, text } of files) {
      const { content, data } = canonicalize(kind, text, file)
      expect(data, file).toBeTruthy()
      // Hand-written YAML and prompts are already canonical; JSONL is rewritten compactly.
      if (kind !== 'dataset') expect(content, file).toBe(text)
    }
  })

  it('is idempotent on the sample project and on messy input', () => {
    const inputs = [...sampleFiles().map((f) => [f.kind, f.file, f.text] as const), ...MESSY]
    for (const [kind, file, text] of inputs) {
      const once = canonicalize(kind, text, file).content
      expect(canonicalize(kind, once, file).content, file).toBe(once)
      expect(once.endsWith('\n') && !once.endsWith('\n\n') && !once.includes('\r'), file).toBe(true)
    }
  })

  it('gives the same content, so the same version, whatever the line endings', () => {
    for (const [kind, file, text] of MESSY) {
      expect(canonicalize(kind, text.replace(/\r\n?/g, '\n'), file).content).toBe(canonicalize(kind, text, file).content)
    }
  })

  it.each([
    ['prompt', 'prompts/../weft.prompt'],
    ['dataset', 'datasets/../../outside.jsonl'],
    ['model', 'models/..\\fast.yaml'],
    ['evaluation', 'prompts/regression.yaml'],
  ] as const)('refuses the %s file %s before reading it', (kind, file) => {
    let error: unknown
    try {
      canonicalize(kind, 'anything', file)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(WeftError)
    expect((error as WeftError).code).toBe('INVALID_REQUEST')
  })

  it('throws INVALID_FILE with file and line for bad content of each kind', () => {
    const bad: [ObjectKind, string, string, number][] = [
      ['prompt', 'prompts/p.prompt', '---\nmodel: [x\n---\nHi\n', 2],
      ['dataset', 'datasets/d.jsonl', '{"id":"a"}\nnot json\n', 2],
      ['model', 'models/m.yaml', 'provider: openai\n', 1],
      ['scorer', 'scorers/s.yaml', 'type: equals\nparams: 3\n', 2],
      ['evaluation', 'evals/e.yaml', 'dataset: d\ntarget: {}\nscorers: [{ id: a, type: equals }]\n', 2],
    ]
    for (const [kind, file, text, line] of bad) {
      let error: WeftError | undefined
      try {
        canonicalize(kind, text, file)
      } catch (e) {
        error = e as WeftError
      }
      expect(error?.code, file).toBe('INVALID_FILE')
      expect(error?.issues?.[0], file).toMatchObject({ file, line })
    }
  })
})
