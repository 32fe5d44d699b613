#!/usr/bin/env node
/**
 * Re-bundles the built CLI (out/main/cli.js, an ES module with chunks) as
 * CommonJS scripts (out/main/cli.cjs and out/main/cli-chunks/), which
 * bin/weft.js runs with V8's code cache.
 *
 * Why: a `weft` command is a short process, and compiling its JavaScript is a
 * large share of it (about 50 ms of a 0.45 s cached `weft eval run`). Node 20
 * can reuse compiled code only for scripts (`vm.Script` with `cachedData`),
 * not for ES modules (`module.enableCompileCache` arrived in Node 22). The ESM
 * build stays what Electron, the workers and the tests load; this is the same
 * code, bundled again, for the command line.
 *
 * Rolldown is the bundler Vite itself runs on (pinned to Vite's version in
 * package.json). Dependencies the main build left external (native modules,
 * Electron, ws) stay external here: every bare import left in out/main is one.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { rolldown } from 'rolldown'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outDir = path.join(root, 'out', 'main')
const input = path.join(outDir, 'cli.js')
const chunks = path.join(outDir, 'cli-chunks')

if (!fs.existsSync(input)) {
  console.error(`bundle-cli: ${path.relative(root, input)} is missing; run electron-vite build first`)
  process.exit(1)
}

const bundle = await rolldown({
  input,
  platform: 'node',
  // Node built-ins, and bare specifiers: the main build bundled everything it meant to.
  external: (id) => id.startsWith('node:') || /^(@[^/]+\/)?[^./][^:]*$/.test(id),
  logLevel: 'warn',
})
try {
  fs.rmSync(chunks, { recursive: true, force: true })
  // Chunks, as in the ES module build: what a command does not import is neither read nor compiled.
  // dynamicImportInCjs false: `import('openai')` becomes a require. Node 20 loses a script's dynamic-import
  // callback when the script comes from the code cache ("A dynamic import callback was not specified").
  await bundle.write({ dir: outDir, format: 'cjs', entryFileNames: 'cli.cjs', chunkFileNames: 'cli-chunks/[name]-[hash].cjs', dynamicImportInCjs: false })
} finally {
  await bundle.close()
}
// So no `import(` may be left in code (comments may name one).
for (const file of [path.join(outDir, 'cli.cjs'), ...fs.readdirSync(chunks).map((f) => path.join(chunks, f))]) {
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  // Comment lines and string literals aside (an error message may say "import()").
  const code = (line) => line.replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""')
  const at = lines.findIndex((line) => !/^\s*(\*|\/\/|\/\*)/.test(line) && /(^|[^\w.$])import\(/.test(code(line)))
  if (at >= 0) {
    console.error(`bundle-cli: ${path.relative(root, file)}:${at + 1} still has a dynamic import(), which fails under the code cache:\n  ${lines[at].trim().slice(0, 200)}`)
    process.exit(1)
  }
}
const size = (file) => fs.statSync(file).size
const total = size(path.join(outDir, 'cli.cjs')) + fs.readdirSync(chunks).reduce((sum, f) => sum + size(path.join(chunks, f)), 0)
console.log(`bundle-cli: out/main/cli.cjs and ${fs.readdirSync(chunks).length} chunks (${(total / 1024).toFixed(0)} KB)`)
