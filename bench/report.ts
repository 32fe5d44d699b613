/**
 * Prints benchmark figures in one format — `name: 12.3 ms (target ≤ 20 ms,
 * 0.62×; git CLI 15.1 ms)` — and collects them into bench/results/figures.json.
 */
import fs from 'node:fs'
import path from 'node:path'

const RESULTS_FILE = path.join(import.meta.dirname, 'results', 'figures.json')
// Each bench file runs in its own worker: merge into what the others wrote this run.
const results: Record<string, unknown> = (() => {
  try {
    return JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
})()

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Prints one figure with its target and the git CLI's figure for the same operation. */
export function reportFigure(
  name: string,
  value: number,
  options: { unit: string; target?: number; cli?: number; cliLabel?: string; higherIsBetter?: boolean },
): void {
  const { unit, target, cli, cliLabel, higherIsBetter } = options
  const parts = [`${name}: ${value.toFixed(value < 10 ? 2 : 0)} ${unit}`]
  const notes: string[] = []
  if (target !== undefined && higherIsBetter) {
    notes.push(`target ≥ ${target} ${unit}, ${(value / target).toFixed(2)}× ${value >= target ? 'ok' : 'UNDER'}`)
  } else if (target !== undefined) notes.push(`target ≤ ${target} ${unit}, ${(value / target).toFixed(2)}× ${value <= target ? 'ok' : 'OVER'}`)
  if (cli !== undefined) notes.push(`${cliLabel ?? 'git CLI'} ${cli.toFixed(cli < 10 ? 2 : 0)} ${unit}`)
  if (notes.length) parts.push(`(${notes.join('; ')})`)
  process.stdout.write(`${parts.join(' ')}\n`)
  results[name] = { value, unit, target, cli, cliLabel, ...(higherIsBetter ? { higherIsBetter } : {}) }
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2))
}
