import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { findSecrets, maskSecret } from './secrets'

// Fake keys, assembled so this file holds no key-shaped literal for scanners to flag.
const fake = (prefix: string, body: string) => prefix + body
const OPENAI = fake('sk-', 'AbCdEf0123456789GhIjKlMn0123456789OpQrStUv01')
const OPENAI_PROJECT = fake('sk-proj-', 'Ab12Cd34Ef56Gh78Ij90Kl_mN-oP12qR34sT56')
const ANTHROPIC = fake('sk-ant-', 'api03-Ab12Cd34Ef56Gh78Ij90Kl12Mn34')
const AWS = fake('AKIA', 'IOSFODNN7EXAMPLE')
const GOOGLE = fake('AIza', 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q')
const GITHUB = fake('ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8')
const GITHUB_PAT = fake('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnop')
const HF = fake('hf_', 'aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uVwX')

describe('findSecrets', () => {
  it.each([
    [`api_key: ${OPENAI}`, 'OpenAI API key', 'api_key'],
    [`key: "${OPENAI_PROJECT}"`, 'OpenAI project API key', 'key'],
    [`ANTHROPIC_API_KEY=${ANTHROPIC}`, 'Anthropic API key', 'ANTHROPIC_API_KEY'],
    [`aws: ${AWS}`, 'AWS access key id', 'aws'],
    [`{"google": "${GOOGLE}"}`, 'Google API key', 'google'],
    [`token: ${GITHUB}`, 'GitHub token', 'token'],
    [`pat: ${GITHUB_PAT}`, 'GitHub token', 'pat'],
    [`hf: ${HF}`, 'Hugging Face token', 'hf'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123', 'bearer token', undefined],
    ['client_secret: 9f8e7d6c5b4a39281706fa1b2c3d', 'secret in "client_secret"', 'client_secret'],
    ['"password": "Tr0ub4dor&3-correct-horse"', 'secret in "password"', 'password'],
  ])('finds %s', (text, kind, key) => {
    const [finding, ...rest] = findSecrets(`# line one\n${text}\n`)
    expect(rest).toEqual([])
    expect(finding).toMatchObject({ kind, line: 2, ...(key ? { key } : {}) })
    expect(finding!.masked).toMatch(/^.{4}…$/)
    expect(`# line one\n${text}\n`.slice(finding!.offset, finding!.offset + finding!.length)).toMatch(/^[^\s"]{16,}$/)
  })

  it('gives the column and never the secret itself', () => {
    const [finding] = findSecrets(`provider: openai\n  api_key: ${OPENAI}\n`)
    expect(finding).toMatchObject({ line: 2, column: 12, masked: 'sk-A…', length: OPENAI.length })
    expect(JSON.stringify(finding)).not.toContain(OPENAI.slice(4))
  })

  it.each([
    'api_key_env: OPENAI_API_KEY',
    'api_key_env: "ANTHROPIC_API_KEY"',
    'max_tokens: 256',
    'model: task-classifier-2024-10-01-abcdefgh',
    'model: sk-learn-style-name-without-digits',
    'token: {{ticket}}',
    'Authorization: Bearer {{token}}',
    'Authorization: Bearer ${API_TOKEN}',
    'secret: short',
    'password: aaaaaaaaaaaaaaaaaaaaaaaa1',
    'base_url: https://api.openai.com/v1/chat/completions',
    'description: the API key comes from the OS keychain or OPENAI_API_KEY.',
  ])('finds nothing in %s', (text) => {
    expect(findSecrets(text)).toEqual([])
  })

  it('finds nothing in the sample project', () => {
    const root = 'resources/sample-project'
    for (const folder of ['models', 'prompts', 'evals', 'datasets']) {
      for (const name of readdirSync(`${root}/${folder}`)) expect(findSecrets(readFileSync(`${root}/${folder}/${name}`, 'utf8')), name).toEqual([])
    }
  })

  it('masks to four characters', () => {
    expect(maskSecret('sk-proj-abc')).toBe('sk-p…')
  })
})
