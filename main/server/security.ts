/**
 * The web server's gate: session token, Host allow-list (DNS rebinding),
 * Origin checks and response headers. Kept apart so every route and the
 * WebSocket upgrade pass the very same checks.
 */
import crypto from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** Cookie that carries the session token after the first `?token=` visit. */
export const TOKEN_COOKIE = 'weft_token'

/** A fresh random session token (URL-safe). */
export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url')
}

/** Constant-time comparison of a presented token with the real one. */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (!presented) return false
  const a = Buffer.from(presented)
  const b = Buffer.from(token)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

/** The token a request presents: `Authorization: Bearer`, then the cookie. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim()
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === TOKEN_COOKIE) return decodeURIComponent(rest.join('='))
  }
  return undefined
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

/** Host header values this server answers to: loopback names (and the bound host) with its port. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_NAMES)
  names.add(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost)
  return new Set([...names].map((name) => `${name}:${port}`))
}

/** True when the Host header names this server (a rebinding attack names another host). */
export function hostAllowed(req: IncomingMessage, hosts: Set<string>): boolean {
  const host = req.headers.host?.toLowerCase()
  return host !== undefined && hosts.has(host)
}

/** True when the request has no Origin (same-origin navigations, non-browser clients) or our own. */
export function originAllowed(req: IncomingMessage, hosts: Set<string>): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    const url = new URL(origin)
    return (url.protocol === 'http:' || url.protocol === 'https:') && hosts.has(url.host.toLowerCase())
  } catch {
    return false
  }
}

/** Content Security Policy for the renderer: nothing from anywhere but this server. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Monaco injects style elements at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers on every response. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}
