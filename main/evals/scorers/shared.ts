/**
 * Small helpers the deterministic scorers share: turning an output into text,
 * quoting values in reasons, and the 1/0 verdict of a boolean scorer.
 */
import type { ScoreResult } from './types'

/** The output as text: strings as they are, anything else as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    // Cycles and BigInts cannot be JSON; String() still says something.
    return String(value)
  }
}

/** A value quoted for a reason, cut short so the results table stays readable. */
export function show(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? `'${value}'` : toText(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** The result of a boolean scorer: 1 and pass, or 0 and fail. */
export function verdict(pass: boolean, reason: string): ScoreResult {
  return { score: pass ? 1 : 0, pass, reason }
}

/** Parses a JSON string output; objects, arrays, numbers, booleans and null are taken as already parsed. */
export function parseOutput(output: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof output !== 'string') {
    if (output === undefined) return { ok: false, error: 'no output' }
    return { ok: true, value: output }
  }
  try {
    return { ok: true, value: JSON.parse(output) as unknown }
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` }
  }
}
