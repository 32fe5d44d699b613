import { describe, expect, it } from 'vitest'
import { once } from './once'

describe('once', () => {
  it('calls the function on first use only and returns its first result after', () => {
    let calls = 0
    const load = once(() => ({ n: ++calls }))
    expect(calls).toBe(0)
    const first = load()
    expect(load()).toBe(first)
    expect(calls).toBe(1)
  })

  it('shares one promise, rejected or not', async () => {
    let calls = 0
    const load = once(() => Promise.reject(new Error(`failed ${++calls}`)))
    await expect(load()).rejects.toThrow('failed 1')
    await expect(load()).rejects.toThrow('failed 1')
    expect(calls).toBe(1)
  })
})
