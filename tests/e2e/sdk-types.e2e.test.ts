/**
 * `weft/sdk` as a TypeScript app sees it: the built declarations type-check a
 * consumer under both bundler and Node (nodenext) module resolution, and a
 * misuse is a type error.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { REPO_ROOT, assertBuilt, makeTempDir, removeDir } from './browser'

let dir: string
const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

beforeAll(() => {
  assertBuilt()
  dir = makeTempDir('sdk-types')
  fs.mkdirSync(path.join(dir, 'node_modules'))
  fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'weft'), 'dir')
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}')
})
afterAll(() => removeDir(dir))

function typecheck(source: string, moduleResolution: 'bundler' | 'nodenext'): string {
  fs.writeFileSync(path.join(dir, 'app.ts'), source)
  const module = moduleResolution === 'nodenext' ? 'nodenext' : 'esnext'
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', module, '--moduleResolution', moduleResolution,
      '--types', 'node', '--typeRoots', path.join(REPO_ROOT, 'node_modules', '@types'), 'app.ts'], { cwd: dir, encoding: 'utf8' })
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout)
  }
}

const APP = `
import { init, op, getPrompt, withAttributes, type OpOptions } from 'weft/sdk'
init({ endpoint: 'http://127.0.0.1:4319', token: 'weft_x' })
const options: OpOptions = { name: 'answer', kind: 'chain' }
const answer = op(async (question: string) => question.length, options)
const length: Promise<number> = withAttributes({ user: 'ada' }, () => answer('hi'))
const content: Promise<string> = getPrompt('summarize@production').then((p) => p.content)
export { length, content }
`

test.each(['bundler', 'nodenext'] as const)('an app type-checks against weft/sdk (%s resolution)', (resolution) => {
  expect(typecheck(APP, resolution)).toBe('')
})

test('a wrong span kind is a type error', () => {
  expect(typecheck(`import { op } from 'weft/sdk'\nexport const f = op(() => 1, { kind: 'banana' })\n`, 'nodenext')).toMatch(/banana/)
})
