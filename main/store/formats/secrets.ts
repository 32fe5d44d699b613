/**
 * Finds things that look like credentials in text, so they are refused
 * before they reach git (model configs) or flagged (prompts, datasets).
 * A finding never carries the secret itself — only where it is and a mask —
 * so it cannot leak through a log or an error message.
 */

/** One thing in a text that looks like a credential. */
export interface SecretFinding {
  /** What it looks like, for the user: `OpenAI API key`. */
  kind: string
  /** 1-based line and column of its first character. */
  line: number
  column: number
  /** Its UTF-16 offset and length in the text (to highlight it in an editor). */
  offset: number
  length: number
  /** The first 4 characters and an ellipsis. */
  masked: string
  /** The field it was written under, when the text says (`api_key: …`, `"token": …`). */
  key?: string
}

/** `sk-proj-abcd…` → `sk-p…`: enough to recognise, too little to use. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 4)}…`
}

/** Provider key formats; the first that matches a range names it. */
const KNOWN_FORMATS: { kind: string; pattern: RegExp }[] = [
  { kind: 'Anthropic API key', pattern: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'OpenAI project API key', pattern: /(?<![A-Za-z0-9])sk-proj-[A-Za-z0-9_-]{20,}/g },
  { kind: 'OpenAI API key', pattern: /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}/g },
  { kind: 'AWS access key id', pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])/g },
  { kind: 'Google API key', pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/g },
  { kind: 'GitHub token', pattern: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: 'Hugging Face token', pattern: /(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}/g },
]

/** `Authorization: Bearer <token>`; group 1 is the token. Templated values (`{{token}}`, `${TOKEN}`) never match. */
const BEARER = /\bbearer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/gi

/** `key: value` / `"key": "value"` / `KEY=value`; groups: key, value. */
const KEY_VALUE = /(?<![A-Za-z0-9_.-])["']?([A-Za-z][A-Za-z0-9_.-]{0,63})["']?[ \t]*[:=][ \t]*["']?([^\s"'`,;{}()<>[\]]{16,})/g

/** Field names whose values are credentials. The name must end with the word, so `api_key_env` and `max_tokens` do not count. */
const SECRET_FIELD = /(?:^|[^a-z])(?:api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|secret|token|password|passwd|credentials?)$/i

/** Bits of Shannon entropy per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>()
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let bits = 0
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length)
  return bits
}

/** A random-looking token: long, letters and digits mixed, not an environment variable's NAME. */
function looksRandom(value: string): boolean {
  return value.length >= 16 && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && !/^[A-Z][A-Z0-9_]*$/.test(value) && entropy(value) >= 3.5
}

/** Everything in `text` that looks like an API key or token, in order of position. */
export function findSecrets(text: string): SecretFinding[] {
  const found: Omit<SecretFinding, 'line' | 'column'>[] = []
  const overlaps = (offset: number, length: number) => found.some((f) => offset < f.offset + f.length && f.offset < offset + length)
  const add = (kind: string, secret: string, offset: number, key?: string) => {
    if (overlaps(offset, secret.length)) return
    found.push({ kind, offset, length: secret.length, masked: maskSecret(secret), ...(key ? { key } : {}) })
  }
  for (const { kind, pattern } of KNOWN_FORMATS) {
    for (const match of text.matchAll(pattern)) {
      // Real keys mix letters and digits; `sk-learn-…`-like words do not.
      if (/[0-9]/.test(match[0]) && /[A-Za-z]{2}/.test(match[0])) add(kind, match[0], match.index)
    }
  }
  for (const match of text.matchAll(BEARER)) {
    const token = match[1]!
    add('bearer token', token, match.index + match[0].length - token.length)
  }
  for (const match of text.matchAll(KEY_VALUE)) {
    const [whole, key, value] = match as unknown as [string, string, string]
    const offset = match.index + whole.length - value.length
    const known = found.find((f) => f.offset === offset)
    if (known && !known.key) known.key = key
    else if (SECRET_FIELD.test(key) && looksRandom(value)) add(`secret in "${key}"`, value, offset, key)
  }
  found.sort((a, b) => a.offset - b.offset)
  // Lines by one forward scan: the findings are sorted.
  let line = 1
  let lineStart = 0
  let scanned = 0
  return found.map((f) => {
    for (; scanned < f.offset; scanned++) {
      if (text.charCodeAt(scanned) === 10) {
        line++
        lineStart = scanned + 1
      }
    }
    return { ...f, line, column: f.offset - lineStart + 1 }
  })
}
