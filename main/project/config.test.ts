import { describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { formatConfig, migrateConfig, parseConfig } from './config'

describe('weft.yaml', () => {
  it('round-trips through its canonical text', () => {
    const config = parseConfig('schema: 1\nname: Demo\ndefaults:\n  model: model:fast\n')
    expect(parseConfig(formatConfig(config))).toEqual(config)
  })

  it('fills defaults and refuses unknown keys with their line', () => {
    expect(parseConfig('schema: 1\nname: Demo\n').defaults).toEqual({})
    const error = (() => {
      try {
        parseConfig('schema: 1\nname: Demo\ncolour: blue\n')
      } catch (e) {
        return e as WeftError
      }
    })()
    expect(error?.code).toBe('INVALID_FILE')
    expect(error?.issues?.[0]).toMatchObject({ file: 'weft.yaml' })
  })

  it('names a missing schema version', () => {
    expect(() => parseConfig('name: Demo\n')).toThrow(/weft\.yaml:1: schema/)
  })

  it('refuses a file from a newer Weft instead of guessing', () => {
    expect(() => migrateConfig({ schema: 99, name: 'x' }, 'weft.yaml')).toThrow(/newer than this Weft understands/)
  })

  it('treats an empty file as missing fields, not a crash', () => {
    expect(() => parseConfig('')).toThrow(WeftError)
  })
})
