#!/usr/bin/env node
// The `weft` command: runs the built CLI bundle (npm ci builds it via `prepare`).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bundle = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(fileURLToPath(bundle))) {
  console.error(`weft: the CLI is not built yet. Run \`npm run build\` in ${fileURLToPath(new URL('..', import.meta.url))}`)
  process.exit(1)
}
const { runCli } = await import(bundle.href)
const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  stdin: async () => {
    const chunks = []
    for await (const chunk of process.stdin) chunks.push(chunk)
    return Buffer.concat(chunks).toString('utf8')
  },
})
process.exitCode = code
