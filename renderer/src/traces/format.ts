/** How durations, costs and payloads read in the trace views. */

/** 850ms, 1.20s, 3m 5s; "running" while a span has not ended. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'running'
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`
}

/** US dollars with enough digits for per-call prices. */
export function formatCost(usd: number | null): string {
  if (!usd) return '$0'
  return `$${usd < 0.01 ? usd.toFixed(5) : usd.toFixed(3)}`
}
