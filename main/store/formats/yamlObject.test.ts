import { describe, expect, it } from 'vitest'
import { canonicalizeYamlObject, parseYamlObject } from './yamlObject'
import { failure } from '../../../common/testing'

const KEY = ['sk-', 'proj-', 'Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56'].join('')


describe('canonicalizeYamlObject', () => {
  it('keeps comments and key order; normalises line endings', () => {
    const text = '# fast\r\nmodel: gpt-4o-mini   # cheap\r\nprovider: openai\r\n\r\n'
    const { content, data } = canonicalizeYamlObject('model', text, 'models/fast.yaml')
    expect(content).toBe('# fast\nmodel: gpt-4o-mini   # cheap\nprovider: openai\n')
    expect(data).toEqual({ model: 'gpt-4o-mini', provider: 'openai' })
    expect(canonicalizeYamlObject('model', content, 'models/fast.yaml').content).toBe(content)
  })

  it('accepts api_key_env naming a variable', () => {
    const { data } = canonicalizeYamlObject('model', 'provider: openai\nmodel: gpt-4o\napi_key_env: OPENAI_API_KEY\n', 'models/m.yaml')
    expect(data.api_key_env).toBe('OPENAI_API_KEY')
  })

  it('reports schema problems with file, line and field', () => {
    const error = failure(() => canonicalizeYamlObject('model', 'provider: openai\nmodel: x\nparameters:\n  temperature: hot\n', 'models/m.yaml'))
    expect(error.code).toBe('INVALID_FILE')
    expect(error.issues?.[0]).toMatchObject({ file: 'models/m.yaml', line: 4, path: 'parameters.temperature' })
    expect(error.message).toMatch(/^models\/m\.yaml:4: parameters\.temperature: /)
  })

  it('reports YAML syntax errors with their line', () => {
    const error = failure(() => canonicalizeYamlObject('scorer', 'type: regex\nparams: {pattern: "x"\n', 'scorers/s.yaml'))
    expect(error.issues?.[0]).toMatchObject({ file: 'scorers/s.yaml', line: expect.any(Number) })
    expect(error.issues![0]!.line).toBeGreaterThanOrEqual(2)
  })

  it.each([
    ['in the api_key field', `provider: openai\nmodel: gpt-4o\napi_key: ${KEY}\n`, 3, 'api_key'],
    ['nested in parameters', `provider: openai\nmodel: gpt-4o\nparameters:\n  extra:\n    auth: "${KEY}"\n`, 5, 'parameters.extra.auth'],
    ['in a list', `provider: openai\nmodel: gpt-4o\nparameters:\n  keys:\n    - ${KEY}\n`, 5, 'parameters.keys.0'],
    ['in a comment', `# key: ${KEY}\nprovider: openai\nmodel: gpt-4o\n`, 1, ''],
  ])('refuses a model config with a key %s, naming line and field, masking the key', (_, text, line, path) => {
    const error = failure(() => canonicalizeYamlObject('model', text, 'models/leaky.yaml'))
    expect(error.code).toBe('INVALID_FILE')
    expect(error.issues?.[0]).toEqual({ file: 'models/leaky.yaml', line, path, message: expect.stringContaining('(sk-p…)') })
    expect(error.message).toMatch(/OS keychain/)
    expect(error.message).toMatch(/api_key_env/)
    expect(JSON.stringify(error.toJSON())).not.toContain(KEY.slice(4))
  })

  it('refuses a bearer token in an evaluation HTTP target', () => {
    const text = 'dataset: dataset:t\ntarget:\n  http:\n    url: http://127.0.0.1:9000/run\n    headers:\n      Authorization: Bearer abcDEF123456ghiJKL789\nscorers:\n  - id: a\n    type: equals\n'
    const error = failure(() => canonicalizeYamlObject('evaluation', text, 'evals/e.yaml'))
    expect(error.issues?.[0]).toMatchObject({ line: 6, path: 'target.http.headers.Authorization' })
  })
})

describe('parseYamlObject', () => {
  it('defaults an evaluation to one trial', () => {
    expect(parseYamlObject('evaluation', 'dataset: t\ntarget: { prompt: p, model: m }\nscorers: [{ id: a, type: equals }]\n', 'evals/e.yaml').trials).toBe(1)
  })

  it('points an unknown scorer field at its line', () => {
    const error = failure(() => parseYamlObject('evaluation', 'dataset: t\ntarget: { prompt: p, model: m }\nscorers:\n  - id: a\n    type: equals\n    treshold: 1\n', 'evals/e.yaml'))
    expect(error.issues?.[0]).toMatchObject({ line: 6, path: 'scorers.0.treshold', message: 'unknown field "treshold"' })
  })
})
