import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const root = import.meta.dirname

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
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
