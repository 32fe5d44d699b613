import { describe, expect, it } from 'vitest'
import { picoschema } from 'dotprompt'
import {
  DatasetRowSchema,
  EvaluationDefinitionSchema,
  ModelConfigSchema,
  PicoschemaSchema,
  PromptFrontMatterSchema,
  ScorerDefinitionSchema,
} from './objects'

/** Issue paths and messages, for compact assertions. */
function issues(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message }))
}

describe('ModelConfigSchema', () => {
  it('accepts a provider, model, base_url, parameters and api_key_env', () => {
    const config = { provider: 'openai-compatible', model: 'llama3', base_url: 'http://localhost:11434/v1', parameters: { temperature: 0.7, stop: ['\n'] }, api_key_env: 'OLLAMA_KEY' }
    expect(ModelConfigSchema.parse(config)).toEqual(config)
  })

  it('surfaces typos and wrong types', () => {
    expect(issues(ModelConfigSchema.safeParse({ provider: 'openai', model: 'x', temprature: 1 }))).toEqual([
      { path: '', message: expect.stringContaining('temprature') },
    ])
    expect(issues(ModelConfigSchema.safeParse({ provider: 'openai', model: 'x', parameters: { temperature: '0.2' } }))[0]?.path).toBe('parameters.temperature')
    expect(issues(ModelConfigSchema.safeParse({ provider: 'openai', model: 'x', base_url: 'ftp://x' }))[0]).toEqual({ path: 'base_url', message: 'must be an http(s) URL' })
  })

  it('refuses a key, pointing at api_key_env', () => {
    expect(issues(ModelConfigSchema.safeParse({ provider: 'openai', model: 'x', api_key: 'abc' }))[0]).toEqual({
      path: 'api_key',
      message: expect.stringContaining('api_key_env'),
    })
    expect(issues(ModelConfigSchema.safeParse({ provider: 'openai', model: 'x', api_key_env: 'sk-abc' }))[0]?.message).toMatch(/NAME of an environment variable/)
  })
})

describe('ScorerDefinitionSchema', () => {
  it('accepts a built-in with params and refuses unknown fields', () => {
    expect(ScorerDefinitionSchema.parse({ type: 'regex', params: { pattern: '^ok' }, description: 'starts ok' })).toMatchObject({ type: 'regex' })
    expect(issues(ScorerDefinitionSchema.safeParse({ type: 'regex', parms: {} }))[0]?.message).toMatch(/parms/)
    expect(issues(ScorerDefinitionSchema.safeParse({ type: 'has space' }))[0]?.path).toBe('type')
  })
})

describe('EvaluationDefinitionSchema', () => {
  const base = { dataset: 'dataset:tickets@v3', target: { prompt: 'prompt:classify', model: 'model:fast' }, scorers: [{ id: 'exact', type: 'equals' }] }

  it('defaults trials to 1 and accepts every documented field', () => {
    const full = {
      ...base,
      description: 'd',
      target: { prompt: 'classify@production', model: 'model:fast@1a2b3c4' },
      scorers: [{ id: 'plan', type: 'trajectory', params: { mode: 'in-order' }, columns: { expected: 'gold', output: 'output.plan' } }, { id: 'tone', type: 'scorer:tone@v2' }],
      trials: 3,
      concurrency: 8,
      providerConcurrency: { openai: 4 },
      constraints: { maxLatencyMs: 2000, maxCostUsd: 0.01 },
      thresholds: { plan: 0.8, overall: 0.9 },
    }
    expect(EvaluationDefinitionSchema.parse(full).trials).toBe(3)
    expect(EvaluationDefinitionSchema.parse(base).trials).toBe(1)
  })

  it('says what is wrong, where', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ ...base, dataset: 'prompt:x' }, 'dataset', /must reference a dataset/],
      [{ ...base, dataset: 'dataset:../x' }, 'dataset', /not a valid reference/],
      [{ ...base, target: {} }, 'target', /needs \{prompt, model\} or \{http: \{url\}\}/],
      [{ ...base, target: { prompt: 'p' } }, 'target', /needs a model too/],
      [{ ...base, target: { prompt: 'p', model: 'm', http: { url: 'http://127.0.0.1:1/' } } }, 'target', /not both/],
      [{ ...base, constraints: { max_latency_ms: 5 } }, 'constraints', /unknown|Unrecognized/i],
      [{ ...base, scorers: [] }, 'scorers', /at least one scorer/],
      [{ ...base, scorers: [{ id: 'a', type: 'equals' }, { id: 'a', type: 'contains' }] }, 'scorers.1.id', /duplicate scorer id "a"/],
      [{ ...base, thresholds: { exact: 1.5 } }, 'thresholds.exact', /between 0 and 1/],
      [{ ...base, thresholds: { exactt: 0.5 } }, 'thresholds.exactt', /no scorer has the id "exactt"/],
      [{ ...base, trials: 0 }, 'trials', /.+/],
      [{ ...base, concurrency: 1.5 }, 'concurrency', /.+/],
      [{ ...base, target: { http: { url: 'not a url' } } }, 'target.http.url', /http\(s\) URL/],
    ]
    for (const [value, path, message] of cases) {
      const found = issues(EvaluationDefinitionSchema.safeParse(value))
      expect(found[0], JSON.stringify(value)).toEqual({ path, message: expect.stringMatching(message) })
    }
  })
})

describe('DatasetRowSchema', () => {
  it('needs a non-empty string id of at most 200 characters and keeps other fields', () => {
    expect(DatasetRowSchema.parse({ id: 'a', input: { x: 1 } })).toEqual({ id: 'a', input: { x: 1 } })
    expect(DatasetRowSchema.safeParse({ id: 7 }).success).toBe(false)
    expect(DatasetRowSchema.safeParse({ id: '' }).success).toBe(false)
    expect(DatasetRowSchema.safeParse({ id: 'x'.repeat(201) }).success).toBe(false)
    expect(DatasetRowSchema.safeParse({ input: 1 }).success).toBe(false)
  })
})

describe('PromptFrontMatterSchema', () => {
  it('accepts what dotprompt reads, and namespaced extension fields', () => {
    const front = { model: 'openai/gpt-4o-mini', config: { temperature: 0 }, input: { schema: { q: 'string' }, default: { q: 'hi' } }, output: { format: 'json', schema: { a: 'integer' } }, 'myapp.owner': 'me', tools: ['search'] }
    expect(PromptFrontMatterSchema.parse(front)).toEqual(front)
  })

  it('refuses an unknown field instead of dropping it as dotprompt does', () => {
    expect(issues(PromptFrontMatterSchema.safeParse({ modle: 'x' }))).toEqual([{ path: 'modle', message: expect.stringMatching(/unknown field "modle"/) }])
  })
})

describe('PicoschemaSchema', () => {
  // Each case is checked against dotprompt's own (async, location-less) parser.
  const accepted: unknown[] = [
    'string',
    'string, a description',
    { a: 'string', 'b?': 'integer, how many', 'c(array)': 'string', 'd(object, nested)': { e: 'any' }, 'f(enum)': ['x', 'y'], '(*)': 'number' },
    { type: 'object', properties: { a: { type: 'string' } } },
    { properties: { a: { type: 'string' } } },
    { 'list(array, items)': { name: 'string' } },
  ]
  const refused: [unknown, string, RegExp][] = [
    [{ a: 'strin' }, 'a', /unknown type "strin"/],
    [{ a: 3 }, 'a', /expected a type/],
    [{ 'a(list)': 'string' }, 'a(list)', /unknown parenthetical type "list"/],
    [{ outer: { inner: 'Thing' } }, 'outer.inner', /named schemas are not supported/],
  ]

  it.each(accepted)('accepts %j, as dotprompt does', async (schema) => {
    expect(PicoschemaSchema.safeParse(schema).success).toBe(true)
    await expect(picoschema(schema)).resolves.toBeTruthy()
  })

  it.each(refused)('refuses %j at its path, as dotprompt does', async (schema, path, message) => {
    expect(issues(PicoschemaSchema.safeParse(schema))[0]).toEqual({ path, message: expect.stringMatching(message) })
    await expect(picoschema(schema)).rejects.toThrow()
  })

  it('refuses what dotprompt would turn into a broken JSON Schema', () => {
    // dotprompt reads `a:` (null) as an empty object, and `(enum): x` as `{ enum: "x" }`.
    expect(issues(PicoschemaSchema.safeParse({ a: null }))[0]?.path).toBe('a')
    expect(issues(PicoschemaSchema.safeParse({ 'a(enum)': 'x' }))[0]).toEqual({ path: 'a(enum)', message: expect.stringMatching(/needs a list of values/) })
  })
})
