/**
 * API keys for the desktop app, encrypted with Electron's safeStorage (the
 * OS keychain: macOS Keychain, Windows DPAPI, libsecret/kwallet on Linux) and
 * kept in the user data folder — never in a project, a log or a trace.
 */
import fs from 'node:fs'
import path from 'node:path'
import { safeStorage } from 'electron'
import { WeftError } from '../../common/errors'
import type { Keychain } from '../providers/secrets'

type Stored = Record<string, string>

/** A keychain file under `userDataDir` whose values only this user's OS session can decrypt. */
export function createSafeStorageKeychain(userDataDir: string): Keychain {
  const file = path.join(userDataDir, 'api-keys.json')
  const read = (): Stored => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Stored
    } catch {
      return {}
    }
  }
  const write = (stored: Stored) => {
    fs.mkdirSync(userDataDir, { recursive: true })
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(stored), { mode: 0o600 })
    fs.renameSync(`${file}.tmp`, file)
  }
  return {
    async get(name) {
      const encrypted = read()[name]
      if (!encrypted || !safeStorage.isEncryptionAvailable()) return undefined
      try {
        return safeStorage.decryptString(Buffer.from(encrypted, 'base64'))
      } catch {
        return undefined // encrypted by another user or machine: as if absent
      }
    },
    async set(name, value) {
      if (!safeStorage.isEncryptionAvailable()) {
        throw new WeftError('UNSUPPORTED', 'The OS keychain is not available here; set the key as an environment variable instead')
      }
      write({ ...read(), [name]: safeStorage.encryptString(value).toString('base64') })
    },
    async remove(name) {
      const stored = read()
      delete stored[name]
      write(stored)
    },
    async names() {
      return Object.keys(read()).sort()
    },
  }
}
