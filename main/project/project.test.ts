import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import git from 'isomorphic-git'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { initProject, inspectProject } from './project'
import { RecentProjects } from './recent'
import { ensureSampleProject } from './sample'
import { listObjects, readObject } from './objects'
import { canonicalize } from '../store/formats'

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-project-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WeftError) return error.code
    throw error
  }
  throw new Error('expected a WeftError')
}

describe('initProject', () => {
  it('creates a repository with weft.yaml, .gitignore and one commit', async () => {
    const dir = path.join(root, 'new', 'project')
    const info = await initProject(dir, 'My Project')
    expect(info).toMatchObject({ status: 'ready', name: 'My Project', branch: 'main', isGitRepo: true })
    const commits = await git.log({ fs, dir })
    expect(commits).toHaveLength(1)
    const files = await git.listFiles({ fs, dir })
    expect(files.sort()).toEqual(['.gitignore', 'weft.yaml'])
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toContain('.weft/')
    expect(fs.existsSync(path.join(dir, '.weft'))).toBe(true)
  })

  it('keeps an existing repository, its history and its .gitignore lines', async () => {
    const dir = path.join(root, 'repo')
    fs.mkdirSync(dir)
    await git.init({ fs, dir, defaultBranch: 'trunk' })
    fs.writeFileSync(path.join(dir, 'notes.md'), 'mine')
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules')
    await git.add({ fs, dir, filepath: 'notes.md' })
    await git.commit({ fs, dir, message: 'user commit', author: { name: 'u', email: 'u@x' } })

    const before = await inspectProject(dir)
    expect(before).toMatchObject({ status: 'needs-init', isGitRepo: true, reason: 'This git repository has no weft.yaml.' })

    const info = await initProject(dir)
    expect(info).toMatchObject({ status: 'ready', branch: 'trunk', name: 'repo' })
    expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('mine')
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n.weft/\n')
    const log = await git.log({ fs, dir })
    expect(log.map((c) => c.commit.message.trim())).toEqual(['Initialise Weft project', 'user commit'])
  })

  it('refuses to initialise twice and never touches a file', async () => {
    const dir = path.join(root, 'p')
    await initProject(dir)
    expect(await codeOf(initProject(dir))).toBe('ALREADY_EXISTS')
    fs.writeFileSync(path.join(root, 'file'), 'x')
    expect(await codeOf(initProject(path.join(root, 'file')))).toBe('NOT_A_DIRECTORY')
    expect(fs.readFileSync(path.join(root, 'file'), 'utf8')).toBe('x')
  })

  it('reports an invalid weft.yaml with file, line and field', async () => {
    const dir = path.join(root, 'p')
    await initProject(dir)
    fs.writeFileSync(path.join(dir, 'weft.yaml'), 'schema: 1\nname: ok\ndefaults:\n  modle: x\n')
    const error = await inspectProject(dir).catch((e: WeftError) => e)
    expect(error).toBeInstanceOf(WeftError)
    expect((error as WeftError).code).toBe('INVALID_FILE')
    expect((error as WeftError).message).toBe('weft.yaml:4: defaults.modle: unknown field "modle"')
  })
})

describe('sample project', () => {
  it('is copied once, committed, and then left as the user changed it', async () => {
    const template = path.resolve(import.meta.dirname, '../../resources/sample-project')
    const info = await ensureSampleProject(template, path.join(root, 'user'))
    expect(info.status).toBe('ready')
    const objects = await listObjects(info.dir)
    expect(objects.filter((o) => o.kind === 'prompt')).toHaveLength(2)
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['prompt', 'dataset', 'model', 'evaluation']))
    const status = await git.statusMatrix({ fs, dir: info.dir })
    expect(status.filter(([, head, work, stage]) => !(head === 1 && work === 1 && stage === 1))).toEqual([])

    fs.writeFileSync(path.join(info.dir, 'prompts', 'summarize.prompt'), 'changed')
    const again = await ensureSampleProject(template, path.join(root, 'user'))
    expect(again.dir).toBe(info.dir)
    expect((await readObject(again.dir, 'prompt', 'summarize')).content).toBe('changed')
  })

  it('ships every sample file in canonical form, so its git blob id is its version id', () => {
    const template = path.resolve(import.meta.dirname, '../../resources/sample-project')
    const files = [
      ['prompt', 'prompts/summarize.prompt'],
      ['prompt', 'prompts/classify-ticket.prompt'],
      ['dataset', 'datasets/tickets.jsonl'],
      ['model', 'models/fast.yaml'],
      ['model', 'models/offline.yaml'],
      ['evaluation', 'evals/regression.yaml'],
    ] as const
    for (const [kind, file] of files) {
      const text = fs.readFileSync(path.join(template, file), 'utf8')
      expect(canonicalize(kind, text, file).content, file).toBe(text)
    }
  })

  it('every dataset row in the sample has a stable id', async () => {
    const template = path.resolve(import.meta.dirname, '../../resources/sample-project')
    const lines = fs.readFileSync(path.join(template, 'datasets', 'tickets.jsonl'), 'utf8').trim().split('\n')
    const ids = lines.map((l) => JSON.parse(l).id)
    expect(new Set(ids).size).toBe(lines.length)
  })
})

describe('recent projects', () => {
  it('keeps newest first without duplicates and survives a damaged file', async () => {
    const recent = new RecentProjects(path.join(root, 'user'))
    await recent.remember({ dir: '/a', name: 'A' }, new Date(1000))
    await recent.remember({ dir: '/b', name: 'B' }, new Date(2000))
    await recent.remember({ dir: '/a', name: 'A' }, new Date(3000))
    expect((await recent.list()).map((p) => p.dir)).toEqual(['/a', '/b'])
    expect((await recent.forget('/a')).map((p) => p.dir)).toEqual(['/b'])

    fs.writeFileSync(path.join(root, 'user', 'recent-projects.json'), '{ broken')
    expect(await recent.list()).toEqual([])
    const kept = fs.readdirSync(path.join(root, 'user')).filter((f) => f.includes('damaged'))
    expect(kept).toHaveLength(1)
  })
})
