import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { costOf, loadPrices } from './prices'

const project = (yaml?: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-prices-'))
  if (yaml !== undefined) fs.writeFileSync(path.join(dir, 'prices.yaml'), yaml)
  return dir
}

describe('prices', () => {
  it('prices known models per 1M tokens and refuses to guess unknown ones', async () => {
    const prices = await loadPrices()
    expect(costOf(prices, 'gpt-4o', { inputTokens: 1_000_000, outputTokens: 100_000 })).toBeCloseTo(3.5)
    expect(costOf(prices, 'claude-sonnet-4-5', { inputTokens: 1000, outputTokens: 1000 })).toBeCloseTo(0.018)
    expect(costOf(prices, 'mystery-model', { inputTokens: 1, outputTokens: 1 })).toBeNull()
    expect(costOf(prices, 'gpt-4o', null)).toBeNull()
  })

  it('lets prices.yaml override and extend the shipped table', async () => {
    const prices = await loadPrices(project('models:\n  gpt-4o: { input: 1, output: 1 }\n  local-llama: { input: 0, output: 0 }\n'))
    expect(prices['gpt-4o']).toEqual({ input: 1, output: 1 })
    expect(costOf(prices, 'local-llama', { inputTokens: 5, outputTokens: 5 })).toBe(0)
    expect(prices['gpt-4o-mini']).toBeDefined()
    expect((await loadPrices(project()))['gpt-4o']).toEqual({ input: 2.5, output: 10 })
  })

  it('rejects an invalid prices.yaml with INVALID_FILE and where', async () => {
    await expect(loadPrices(project('models:\n  gpt-4o: { input: -1, output: 1 }\n'))).rejects.toMatchObject({ code: 'INVALID_FILE', issues: [expect.objectContaining({ path: 'models.gpt-4o.input', file: 'prices.yaml' })] })
    await expect(loadPrices(project('models: [unclosed'))).rejects.toMatchObject({ code: 'INVALID_FILE' })
  })
})
