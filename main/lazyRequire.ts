/**
 * Synchronous lazy loading of a CommonJS dependency: `lazyRequire<typeof import_>('pkg')`
 * returns a function that requires the package on its first call and returns the same
 * module afterwards. For packages used inside synchronous code (a zod refinement, an
 * encoder) that the CLI should not pay for at start-up; async code uses `once(() => import(…))`.
 */
import { createRequire } from 'node:module'
import { once } from '../common/once'

// Not named `require`: electron-vite's ESM shim declares that name in the bundle.
const requireHere = createRequire(import.meta.url)

/** A loader for CommonJS package `id`, required on first call. */
export function lazyRequire<T>(id: string): () => T {
  return once(() => requireHere(id) as T)
}
