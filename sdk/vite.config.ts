/**
 * Builds the SDK for plain Node apps outside this repo's TypeScript setup:
 * out/sdk/index.js (ESM) and out/sdk/index.cjs (CommonJS), no dependencies.
 * `vite build -c sdk/vite.config.ts` (part of `npm run build`).
 */
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

const root = resolve(import.meta.dirname, '..')

export default defineConfig({
  root,
  // No public/ copy, no .env loading: this is a library build.
  publicDir: false,
  build: {
    outDir: resolve(root, 'out/sdk'),
    // out/sdk/types (declarations, written by scripts/build-sdk-types.mjs) must survive a rebuild.
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    sourcemap: true,
    lib: {
      entry: resolve(root, 'sdk/index.ts'),
      formats: ['es', 'cjs'],
      fileName: (format) => (format === 'es' ? 'index.js' : 'index.cjs'),
    },
    rolldownOptions: {
      // Node built-ins stay imports; the LLM clients are the app's own, found at run time.
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'openai', '@anthropic-ai/sdk', /^openai\//, /^@anthropic-ai\/sdk\//],
    },
  },
})
