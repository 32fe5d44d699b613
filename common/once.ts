/**
 * Runs `fn` on the first call only; every later call returns that first result.
 * Used for lazy module loading: `const loadX = once(() => import('x'))` imports
 * on first use and shares the one promise afterwards.
 */
export function once<T>(fn: () => T): () => T {
  let loaded: { value: T } | undefined
  return () => (loaded ??= { value: fn() }).value
}
