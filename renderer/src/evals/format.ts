/** How evaluation numbers read: scores, rates, intervals, times. */

/** 0.750; "—" when nothing was scored. */
export function formatScore(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(3)
}

/** 75.0%; "—" when unknown. */
export function formatRate(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`
}

/** [0.61, 0.86] — a 95% interval, or nothing when either end is unknown. */
export function formatInterval(low: number | null | undefined, high: number | null | undefined): string {
  return low === null || low === undefined || high === null || high === undefined ? '' : `[${low.toFixed(2)}, ${high.toFixed(2)}]`
}

/** "in 12s", "in 3m" — time left. */
export function formatEta(ms: number | null): string {
  if (ms === null) return ''
  if (ms < 1000) return 'under 1s left'
  if (ms < 60_000) return `${Math.round(ms / 1000)}s left`
  return `${Math.round(ms / 60_000)}m left`
}

/** A compact one-line rendering of any value (strings as they are, the rest as JSON). */
export function compactText(value: unknown, max = 400): string {
  if (value === undefined || value === null) return ''
  let text: string
  if (typeof value === 'string') text = value
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  text = text.replace(/\s+/g, ' ')
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/** The full, indented text of a value for detail views. */
export function fullText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value, null, 2) ?? String(value)
  } catch {
    return String(value)
  }
}

/** The name part of a pinned ref (`prompt:triage@1a2b…` → `triage`) with a short version. */
export function shortRef(ref: string): string {
  const match = /^(?:[a-z]+:)?([^@]+)(?:@(.+))?$/.exec(ref)
  if (!match) return ref
  const version = match[2]
  return version ? `${match[1]}@${/^[0-9a-f]{40}$/.test(version) ? version.slice(0, 7) : version}` : match[1]!
}

/** A row's fields in one line: `ticket: refund 3 · lang: en` (values compact). */
export function compactFields(fields: Record<string, unknown>, max = 200): string {
  const text = Object.entries(fields)
    .map(([key, value]) => `${key}: ${compactText(value, max)}`)
    .join(' · ')
  return text.length > max ? `${text.slice(0, max)}…` : text
}
