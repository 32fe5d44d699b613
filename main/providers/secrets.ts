/**
 * Where provider keys come from and how they are kept out of logs. Keys are
 * read from the environment by default; the desktop can inject another
 * {@link SecretSource} (Electron safeStorage) without touching providers.
 */
import type { SecretSource } from './types'

/** The env var each vendor reads when the model config names none. */
export const DEFAULT_KEY_NAMES: Record<string, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
}

/** A SecretSource over an environment (process.env by default). */
export function envSecretSource(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return async (name) => {
    const value = env[name]
    return value && value.trim() !== '' ? value.trim() : undefined
  }
}

/** The env var name for a provider: the model config's `api_key_env` wins. */
export function keyNameFor(provider: string, apiKeyEnv?: string): string | undefined {
  return apiKeyEnv ?? DEFAULT_KEY_NAMES[provider]
}

const MASK = '[REDACTED]'
// Shapes of keys we may not know the value of (e.g. echoed back by a server): OpenAI/Anthropic style tokens and bearer headers.
const KEY_PATTERNS = [/\b(sk-[A-Za-z0-9_-]{8,})/g, /(Bearer\s+)[^\s"',]+/gi, /("?(?:x-api-key|api[-_]?key|authorization)"?\s*[:=]\s*"?)[^\s"',]+/gi]
const SENSITIVE_FIELDS = /^(authorization|x-api-key|api[-_]?key|apikey|password|secret)$/i

/** Masks known key values, key-shaped tokens and Authorization headers in text. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
  // Longest first so a key that contains another is masked whole.
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK)
  out = out.replace(KEY_PATTERNS[0]!, MASK)
  out = out.replace(KEY_PATTERNS[1]!, `$1${MASK}`)
  out = out.replace(KEY_PATTERNS[2]!, `$1${MASK}`)
  return out
}

/** A deep copy of any value with secrets masked in every string and sensitive field; safe to log. */
export function redact<T>(value: T, secrets: readonly string[] = []): T {
  const seen = new WeakSet<object>()
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key && SENSITIVE_FIELDS.test(key) ? MASK : redactText(v, secrets)
    if (v instanceof Error) return { name: v.name, message: redactText(v.message, secrets) }
    if (typeof v !== 'object' || v === null) return v
    if (seen.has(v)) return '[Circular]'
    seen.add(v)
    if (Array.isArray(v)) return v.map((item) => walk(item))
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]))
  }
  return walk(value) as T
}

/** The first source that has the key wins (environment first, then the desktop's keychain). */
export function chainSecretSources(...sources: ReadonlyArray<SecretSource | undefined>): SecretSource {
  return async (name) => {
    for (const source of sources) {
      const value = source ? await source(name) : undefined
      if (value) return value
    }
    return undefined
  }
}

/** A place to keep keys outside the project: the OS keychain in the desktop app. */
export interface Keychain {
  get(name: string): Promise<string | undefined>
  set(name: string, value: string): Promise<void>
  remove(name: string): Promise<void>
  names(): Promise<string[]>
}
