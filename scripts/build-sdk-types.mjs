#!/usr/bin/env node
/**
 * Type declarations for `weft/sdk`: tsc writes them to out/sdk/types, then
 * relative imports get their `.js` extension, which TypeScript projects using
 * Node's own ESM resolution (moduleResolution node16/nodenext) require and
 * tsc does not add.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outDir = path.join(root, 'out', 'sdk', 'types')
fs.rmSync(outDir, { recursive: true, force: true })
execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'sdk', 'tsconfig.types.json')], { stdio: 'inherit' })

const RELATIVE = /(from\s+|import\()(['"])(\.{1,2}\/[^'"]+?)\2/g
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(file)
    else if (file.endsWith('.d.ts')) {
      const text = fs.readFileSync(file, 'utf8')
      const fixed = text.replace(RELATIVE, (all, lead, quote, spec) => (/\.(js|cjs|mjs|json)$/.test(spec) ? all : `${lead}${quote}${spec}.js${quote}`))
      if (fixed !== text) fs.writeFileSync(file, fixed)
    }
  }
}
walk(outDir)
