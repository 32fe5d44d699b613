/**
 * Tokens for git remotes, kept outside every repository so a push never
 * shares them: a JSON file in the user data folder (mode 0600, written
 * atomically), keyed by the remote's origin. The storage is injectable so the
 * desktop app can keep the same text in the OS keychain (Electron safeStorage).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { WeftError } from '../../common/errors'

/** Where the credentials text lives: a file by default, the OS keychain in the desktop app. */
export interface CredentialStorage {
  /** The stored text, or null when nothing was ever stored. */
  read(): Promise<string | null>
  write(text: string): Promise<void>
  /** Moves unreadable text out of the way (kept, never deleted); without it a damaged store is an error. */
  setAside?(): Promise<void>
}

/** A token and the user name to send with it (Basic auth). */
export interface Credential {
  token: string
  username?: string
}

/** Which store to use: an injected one, else `<userDataDir>/credentials.json`. */
export interface CredentialStoreOptions {
  userDataDir?: string
  storage?: CredentialStorage
}

const FILE = 'credentials.json'

const EntrySchema = z.object({ token: z.string().min(1), username: z.string().optional(), updatedAt: z.string() })
const CredentialsFileSchema = z.object({ version: z.literal(1), tokens: z.record(z.string(), EntrySchema) })
type CredentialsFile = z.infer<typeof CredentialsFileSchema>

/** The default storage: `<userDataDir>/credentials.json`, 0600, replaced by rename so it is never torn. */
export function fileCredentialStorage(userDataDir: string): CredentialStorage {
  const file = path.join(userDataDir, FILE)
  return {
    async read() {
      try {
        return await fs.promises.readFile(file, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw error
      }
    },
    async write(text) {
      await fs.promises.mkdir(userDataDir, { recursive: true, mode: 0o700 })
      const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`
      // Created 0600 from the first byte: a chmod after writing would leave a window where others can read it.
      const handle = await fs.promises.open(tmp, 'wx', 0o600)
      try {
        await handle.writeFile(text, 'utf8')
        await handle.sync()
      } finally {
        await handle.close()
      }
      await fs.promises.rename(tmp, file)
    },
    async setAside() {
      await fs.promises.rename(file, `${file}.damaged-${Date.now()}`)
    },
  }
}

/**
 * The key tokens are stored under: the URL's origin (`https://host:port`).
 * Throws INVALID_REQUEST for anything but an http(s) URL.
 */
export function credentialKey(url: string): string {
  return parseRemoteUrl(url).origin
}

/** Splits `https://user:pass@host/repo` into the clean URL and the credentials it carried. */
export function stripCredentials(url: string): { url: string; username?: string; password?: string } {
  const parsed = parseRemoteUrl(url)
  const username = decodeURIComponent(parsed.username) || undefined
  const password = decodeURIComponent(parsed.password) || undefined
  parsed.username = ''
  parsed.password = ''
  return { url: parsed.toString(), username, password }
}

/** The URL safe to show in messages and logs: any user:password removed (scp-style `git@host:path` has none). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return url.includes('://') ? '(invalid URL)' : url
  }
}

/** Stores the token for the remote at `url` (replacing any earlier one for its origin). */
export async function setToken(options: CredentialStoreOptions & { url: string; token: string; username?: string }): Promise<void> {
  const key = credentialKey(options.url)
  if (!options.token) throw new WeftError('INVALID_REQUEST', 'The token is empty', [{ path: 'token', message: 'must not be empty' }])
  await update(options, (file) => {
    file.tokens[key] = { token: options.token, ...(options.username ? { username: options.username } : {}), updatedAt: new Date().toISOString() }
  })
}

/** The stored credential for the remote at `url`, or null. */
export async function getCredential(options: CredentialStoreOptions & { url: string }): Promise<Credential | null> {
  const entry = (await load(storageOf(options).storage)).tokens[credentialKey(options.url)]
  return entry ? { token: entry.token, ...(entry.username ? { username: entry.username } : {}) } : null
}

/** The stored token for the remote at `url`, or null. */
export async function getToken(options: CredentialStoreOptions & { url: string }): Promise<string | null> {
  return (await getCredential(options))?.token ?? null
}

/** Forgets the token for the remote at `url`; true when there was one. */
export async function removeToken(options: CredentialStoreOptions & { url: string }): Promise<boolean> {
  const key = credentialKey(options.url)
  let removed = false
  await update(options, (file) => {
    removed = key in file.tokens
    delete file.tokens[key]
  })
  return removed
}

function parseRemoteUrl(url: string): URL {
  if (/^[\w.-]+@[\w.-]+:/.test(url)) {
    throw new WeftError('UNSUPPORTED', 'SSH remotes (user@host:path) are not supported; use the https:// URL of the repository', [
      { path: 'url', message: 'use an https:// URL' },
    ])
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new WeftError('INVALID_REQUEST', 'The remote URL is not a valid URL', [{ path: 'url', message: 'not a URL' }])
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new WeftError('UNSUPPORTED', `Only http(s) remotes are supported, not ${parsed.protocol.replace(/:$/, '')}`, [
      { path: 'url', message: 'use an https:// URL' },
    ])
  }
  return parsed
}

function storageOf(options: CredentialStoreOptions): { storage: CredentialStorage; queueKey: unknown } {
  if (options.storage) return { storage: options.storage, queueKey: options.storage }
  if (!options.userDataDir) throw new WeftError('INVALID_REQUEST', 'No credential store: pass userDataDir or storage')
  const dir = path.resolve(options.userDataDir)
  return { storage: fileCredentialStorage(dir), queueKey: dir }
}

async function load(storage: CredentialStorage): Promise<CredentialsFile> {
  const text = await storage.read()
  if (text === null) return { version: 1, tokens: {} }
  try {
    return CredentialsFileSchema.parse(JSON.parse(text))
  } catch {
    if (!storage.setAside) throw new WeftError('INVALID_FILE', 'The stored credentials are damaged and cannot be read')
    // Same policy as the recent-projects list: keep the damaged text, start empty.
    await storage.setAside()
    return { version: 1, tokens: {} }
  }
}

// Read-modify-write must not interleave within this process, or two saves would lose one token.
const queues = new Map<unknown, Promise<unknown>>()

async function update(options: CredentialStoreOptions, change: (file: CredentialsFile) => void): Promise<void> {
  const { storage, queueKey } = storageOf(options)
  const run = async () => {
    const file = await load(storage)
    change(file)
    await storage.write(`${JSON.stringify(file, null, 2)}\n`)
  }
  const previous = queues.get(queueKey) ?? Promise.resolve()
  const next = previous.then(run, run)
  queues.set(queueKey, next)
  try {
    await next
  } finally {
    if (queues.get(queueKey) === next) queues.delete(queueKey)
  }
}
