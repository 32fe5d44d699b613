import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import {
  credentialKey,
  getCredential,
  getToken,
  redactUrl,
  removeToken,
  setToken,
  stripCredentials,
  type CredentialStorage,
} from './credentials'

let userDataDir: string
beforeEach(() => {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-cred-'))
})
afterEach(() => fs.rmSync(userDataDir, { recursive: true, force: true }))

describe('credentials', () => {
  it('stores tokens by origin in a 0600 file and reads them back', async () => {
    await setToken({ userDataDir, url: 'https://git.example.com/team/prompts.git', token: 's3cret' })
    expect(await getToken({ userDataDir, url: 'https://GIT.example.com:443/other/repo' })).toBe('s3cret')
    expect(await getToken({ userDataDir, url: 'https://git.example.com:8443/team/prompts.git' })).toBeNull()
    const file = path.join(userDataDir, 'credentials.json')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ version: 1, tokens: { 'https://git.example.com': { token: 's3cret' } } })
    expect(fs.readdirSync(userDataDir)).toEqual(['credentials.json']) // no temp files left behind
  })

  it('replaces and removes tokens', async () => {
    const url = 'http://127.0.0.1:9999/repo'
    await setToken({ userDataDir, url, token: 'one', username: 'alice' })
    await setToken({ userDataDir, url, token: 'two' })
    expect(await getCredential({ userDataDir, url })).toEqual({ token: 'two' })
    expect(await removeToken({ userDataDir, url })).toBe(true)
    expect(await removeToken({ userDataDir, url })).toBe(false)
    expect(await getToken({ userDataDir, url })).toBeNull()
  })

  it('keeps every token when saves overlap', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => setToken({ userDataDir, url: `https://h${i}.example.com/r`, token: `t${i}` })))
    for (let i = 0; i < 10; i++) expect(await getToken({ userDataDir, url: `https://h${i}.example.com/x` })).toBe(`t${i}`)
  })

  it('sets a damaged file aside instead of deleting it', async () => {
    fs.writeFileSync(path.join(userDataDir, 'credentials.json'), '{ torn')
    expect(await getToken({ userDataDir, url: 'https://a.example.com/r' })).toBeNull()
    expect(fs.readdirSync(userDataDir).some((f) => f.startsWith('credentials.json.damaged-'))).toBe(true)
  })

  it('uses an injected storage (the keychain in the desktop app)', async () => {
    let stored: string | null = null
    const storage: CredentialStorage = { read: async () => stored, write: async (text) => void (stored = text) }
    await setToken({ storage, url: 'https://a.example.com/r', token: 'kc' })
    expect(await getToken({ storage, url: 'https://a.example.com/q' })).toBe('kc')
    expect(fs.readdirSync(userDataDir)).toEqual([])
    stored = 'not json'
    await expect(getToken({ storage, url: 'https://a.example.com/q' })).rejects.toMatchObject({ code: 'INVALID_FILE' })
  })

  it('strips user:pass from URLs and redacts them for messages', () => {
    expect(stripCredentials('https://bob:p%40ss@git.example.com/r.git')).toEqual({
      url: 'https://git.example.com/r.git',
      username: 'bob',
      password: 'p@ss',
    })
    expect(stripCredentials('https://git.example.com/r.git')).toEqual({ url: 'https://git.example.com/r.git' })
    expect(redactUrl('https://tok@git.example.com/r.git')).toBe('https://git.example.com/r.git')
    expect(credentialKey('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080')
  })

  it('refuses non-http remotes and bad URLs with clear errors', () => {
    expect(() => credentialKey('git@github.com:me/repo.git')).toThrow(/SSH remotes/)
    expect(() => credentialKey('not a url')).toThrow(WeftError)
    expect(redactUrl('git@github.com:me/repo.git')).toBe('git@github.com:me/repo.git')
    expect(redactUrl('ssh://git:pw@github.com/me/repo.git')).toBe('ssh://github.com/me/repo.git')
    expect(() => credentialKey('ssh://git@github.com/me/repo.git')).toThrow(/Only http\(s\) remotes/)
  })
})
