import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import { describe, expect, it } from 'vitest'
import { resolveAuthor, userFromGitConfig } from './git'

describe('commit author', () => {
  it('reads [user] from git config text', () => {
    expect(userFromGitConfig('[core]\n\tname = not-me\n[user]\n\tname = Ada Lovelace ; comment\n\temail = "ada@example.com"\n[alias]\n')).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    })
  })

  it('prefers the environment, then the repository config', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-author-'))
    await git.init({ fs, dir })
    await git.setConfig({ fs, dir, path: 'user.name', value: 'Repo User' })
    await git.setConfig({ fs, dir, path: 'user.email', value: 'repo@example.com' })
    expect(await resolveAuthor(dir, {})).toEqual({ name: 'Repo User', email: 'repo@example.com' })
    expect(await resolveAuthor(dir, { GIT_AUTHOR_NAME: 'Env User', GIT_AUTHOR_EMAIL: 'env@example.com' })).toEqual({ name: 'Env User', email: 'env@example.com' })
  })
})
