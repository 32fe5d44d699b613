import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyChange, watchProject, type ProjectChanges } from './watch'

describe('classifyChange', () => {
  it('maps object folders, HEAD and weft.yaml; ignores local state and git internals', () => {
    expect(classifyChange('prompts/a.prompt')).toEqual({ kind: 'prompt' })
    expect(classifyChange('evals\\x.yaml')).toEqual({ kind: 'evaluation' })
    expect(classifyChange('.git/HEAD')).toEqual({ projectInfo: true })
    expect(classifyChange('.git/refs/heads/main')).toEqual({ projectInfo: true })
    expect(classifyChange('weft.yaml')).toEqual({ projectInfo: true })
    expect(classifyChange('.git/objects/ab/cdef')).toBeNull()
    expect(classifyChange('.weft/traces.db')).toBeNull()
    expect(classifyChange('README.md')).toBeNull()
  })
})

describe('watchProject', () => {
  it('reports an edit made outside Weft, once per burst', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-watch-'))
    fs.mkdirSync(path.join(dir, 'prompts'))
    const seen: ProjectChanges[] = []
    const stop = watchProject(dir, (c) => seen.push(c), 50)
    try {
      for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, 'prompts', `p${i}.prompt`), 'x')
      await new Promise((r) => setTimeout(r, 400))
      expect(seen).toEqual([{ kinds: ['prompt'], projectInfo: false }])
      // A folder created later is watched too.
      fs.mkdirSync(path.join(dir, 'datasets'))
      await new Promise((r) => setTimeout(r, 200))
      fs.writeFileSync(path.join(dir, 'datasets', 'd.jsonl'), '{}')
      fs.writeFileSync(path.join(dir, 'weft.yaml'), 'schema: 1')
      await new Promise((r) => setTimeout(r, 400))
      expect(seen.slice(1).flatMap((c) => c.kinds)).toContain('dataset')
      expect(seen.slice(1).some((c) => c.projectInfo)).toBe(true)
    } finally {
      stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
