import { describe, expect, it } from 'vitest'
import { envSecretSource, keyNameFor, redact, redactText } from './secrets'

describe('secrets', () => {
  it('reads keys from the environment, by default name or the configured one', async () => {
    const source = envSecretSource({ OPENAI_API_KEY: 'sk-a', MY_KEY: ' k ', EMPTY: '' })
    expect(await source(keyNameFor('openai')!)).toBe('sk-a')
    expect(await source(keyNameFor('openai', 'MY_KEY')!)).toBe('k')
    expect(await source('EMPTY')).toBeUndefined()
    expect(keyNameFor('anthropic')).toBe('ANTHROPIC_API_KEY')
    expect(keyNameFor('echo')).toBeUndefined()
  })

  it('masks known keys, key-shaped tokens and Authorization headers in text', () => {
    expect(redactText('key=abc123xyz here', ['abc123xyz'])).toBe('key=[REDACTED] here')
    expect(redactText('Incorrect API key provided: sk-proj-ABCDEFGH12345')).toBe('Incorrect API key provided: [REDACTED]')
    expect(redactText('Authorization: Bearer tok.en.value')).not.toContain('tok.en.value')
    expect(redactText('{"x-api-key":"zzzzzz"}')).not.toContain('zzzzzz')
  })

  it('masks sensitive fields and strings anywhere in an object, without mutating it', () => {
    const input = { headers: { Authorization: 'Bearer abc', 'x-api-key': 'k1' }, nested: [{ msg: 'used secret-value-1' }], error: new Error('sk-live-1234567890') }
    const out = redact(input, ['secret-value-1'])
    expect(JSON.stringify(out)).not.toMatch(/abc|k1|secret-value-1|sk-live/)
    expect(out.headers.Authorization).toBe('[REDACTED]')
    expect(input.headers.Authorization).toBe('Bearer abc')
  })
})
