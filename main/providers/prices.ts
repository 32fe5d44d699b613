/**
 * Cost of a call from its token usage. Shipped list prices (priceList.ts) can
 * be overridden per project in `prices.yaml` at the project root:
 *
 *   models:
 *     gpt-4o: { input: 2.5, output: 10 }   # USD per 1M tokens
 *
 * Unknown models cost null — a made-up number would be worse than none.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import YAML from 'yaml'
import { z } from 'zod'
import { WeftError } from '../../common/errors'
import { SHIPPED_PRICES } from './priceList'
import type { Usage } from './types'

/** One model's price, USD per 1M tokens. */
export const ModelPriceSchema = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict()
/** One model's price, USD per 1M tokens. */
export type ModelPrice = z.infer<typeof ModelPriceSchema>
/** Prices by model id. */
export type PriceTable = Record<string, ModelPrice>
/** The `prices.yaml` file. */
export const PricesFileSchema = z.object({ models: z.record(z.string(), ModelPriceSchema) }).strict()

/** Name of the per-project override file at the project root. */
export const PRICES_FILE = 'prices.yaml'

/** Shipped prices merged with the project's `prices.yaml` (project wins); throws INVALID_FILE on a bad file. */
export async function loadPrices(projectDir?: string): Promise<PriceTable> {
  if (!projectDir) return { ...SHIPPED_PRICES }
  let text: string
  try {
    text = await fs.readFile(path.join(projectDir, PRICES_FILE), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...SHIPPED_PRICES }
    throw error
  }
  let data: unknown
  try {
    data = YAML.parse(text)
  } catch (error) {
    throw new WeftError('INVALID_FILE', `${PRICES_FILE} is not valid YAML: ${(error as Error).message}`, [{ path: '', file: PRICES_FILE, message: 'not valid YAML' }])
  }
  const parsed = PricesFileSchema.safeParse(data ?? { models: {} })
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, file: PRICES_FILE }))
    throw new WeftError('INVALID_FILE', `${PRICES_FILE} is invalid`, issues)
  }
  return { ...SHIPPED_PRICES, ...parsed.data.models }
}

/** USD for a call, or null when the model's price or the usage is unknown. */
export function costOf(prices: PriceTable, model: string, usage: Usage | null): number | null {
  const price = prices[model]
  if (!price || !usage) return null
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000
}
