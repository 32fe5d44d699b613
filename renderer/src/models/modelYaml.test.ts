import { describe, expect, it } from 'vitest'
import { readModelForm, starterModel, writeModelField } from './modelYaml'

const FAST = '# the quick one\nprovider: openai\nmodel: gpt-4o-mini\nparameters:\n  temperature: 0.2\n  seed: 7\ndescription: cheap\n'

describe('model config form', () => {
  it('reads the form fields from YAML', () => {
    expect(readModelForm(FAST)).toEqual({
      form: { provider: 'openai', model: 'gpt-4o-mini', base_url: '', temperature: '0.2', max_tokens: '', top_p: '', api_key_env: '' },
      error: null,
    })
    expect(readModelForm('provider: [').error).toBeTruthy()
    expect(readModelForm('- a\n- b\n').error).toContain('map')
  })

  it('writes a field back keeping comments and fields the form does not show', () => {
    const text = writeModelField(FAST, 'temperature', '0.7')
    expect(text).toContain('# the quick one')
    expect(text).toContain('temperature: 0.7')
    expect(text).toContain('seed: 7')
    expect(text).toContain('description: cheap')
    expect(writeModelField(FAST, 'max_tokens', '256')).toContain('max_tokens: 256')
    expect(writeModelField(FAST, 'api_key_env', 'OPENAI_API_KEY')).toContain('api_key_env: OPENAI_API_KEY')
  })

  it('removes emptied fields, and an emptied parameters map', () => {
    const text = writeModelField('provider: echo\nmodel: x\nparameters:\n  temperature: 1\n', 'temperature', '')
    expect(text).not.toContain('parameters')
    expect(readModelForm(starterModel()).form?.temperature).toBe('0.2')
  })

  it('keeps text a number cannot be as text, for validation to report', () => {
    expect(writeModelField(FAST, 'temperature', 'hot')).toContain('temperature: hot')
  })
})
