import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const root = import.meta.dirname

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Pure-JS dependencies every command loads are bundled in: importing them from node_modules
      // cost Node's resolver and its CommonJS export scan ~80 ms per `weft` command (eval list
      // 0.27 → 0.19 s measured). Native (better-sqlite3) and lazily loaded ones stay external.
      externalizeDeps: { exclude: ['zod', 'yaml', 'commander', 'handlebars', 'dotprompt', 'isomorphic-git', 'pako'] },
      rolldownOptions: {
        input: {
          // Electron entry: the only bundle that imports 'electron'.
          index: resolve(root, 'main/index.ts'),
          // The `weft` command (init, serve, …): plain Node, no electron.
          cli: resolve(root, 'main/cli/index.ts'),
          // The ingest server's worker thread (desktop and weft serve).
          ingestWorker: resolve(root, 'main/server/ingest/worker.ts'),
          // An evaluation run's worker thread (desktop and weft serve).
          evalWorker: resolve(root, 'main/evals/worker/evalWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload cannot `require` node_modules or load ESM, so it is
      // one self-contained CommonJS file.
      externalizeDeps: false,
      lib: { entry: resolve(root, 'preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    worker: { format: 'es' },
    build: {
      outDir: resolve(root, 'out/renderer'),
      minify: true,
      chunkSizeWarningLimit: 8000,
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
})
