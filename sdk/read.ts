/**
 * Reading versioned objects back from Weft in a few lines: `getPrompt` and
 * `getDataset`. Unlike tracing these are explicit calls whose answer the app
 * needs, so failures throw a clear `WeftReadError` instead of warning.
 */
import http from 'node:http'
import https from 'node:https'
import type { z } from 'zod'
import type { RenderedPromptSchema, ResolvedRefSchema } from '../common/schemas/store'
import { state } from './client'

/** A rendered prompt: messages, config and model from front matter, and variable mismatches. */
export type RenderedPrompt = z.output<typeof RenderedPromptSchema>
type ResolvedRef = z.output<typeof ResolvedRefSchema>

/** A version: its content digest and its ordinal (vN), when it has one. */
export interface ObjectVersion {
  digest: string
  n: number | null
}

/** A prompt version from Weft. */
export interface Prompt {
  /** The canonical reference of this exact version. */
  ref: string
  name: string
  version: ObjectVersion
  /** The prompt file as saved (template and front matter). */
  content: string
  /** Renders this exact version with variables (server-side, same engine as the workbench). */
  render(variables?: Record<string, unknown>): Promise<RenderedPrompt>
}

/** A dataset version from Weft. */
export interface Dataset {
  ref: string
  name: string
  version: ObjectVersion
  /** One object per JSONL line. */
  rows: Record<string, unknown>[]
}

/** Where to read from; defaults to `init()`'s settings, then `WEFT_ENDPOINT` / `WEFT_TOKEN`. */
export interface ReadOptions {
  endpoint?: string
  token?: string
  timeoutMs?: number
}

/** A failed read: `status` is the HTTP status (0 when Weft could not be reached), `code` the server's error code. */
export class WeftReadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message)
    this.name = 'WeftReadError'
  }
}

/** `summarize@production` → `prompt:summarize@production`; a reference of another kind is an error. */
function qualify(text: string, kind: 'prompt' | 'dataset'): string {
  if (typeof text !== 'string' || !text.trim()) throw new WeftReadError(`A ${kind} reference is needed, e.g. "${kind === 'prompt' ? 'summarize@production' : 'tickets@v3'}"`, 0, 'INVALID_REQUEST')
  const trimmed = text.trim()
  const explicit = /^weft:\/\/([^/]+)\//.exec(trimmed)?.[1] ?? /^([a-z]+):(?!\/\/)/.exec(trimmed)?.[1]
  if (explicit === undefined) return `${kind}:${trimmed}`
  if (explicit !== kind) throw new WeftReadError(`"${trimmed}" names a ${explicit}, not a ${kind}`, 0, 'INVALID_REQUEST')
  return trimmed
}

/** POSTs JSON to Weft with the project token; a failure is a WeftReadError (status 0 when Weft could not be reached). */
export function post(path: string, body: unknown, options: ReadOptions): Promise<unknown> {
  const endpoint = options.endpoint ?? state.endpoint ?? process.env.WEFT_ENDPOINT
  const token = options.token ?? state.token ?? process.env.WEFT_TOKEN
  if (!endpoint || !token) return Promise.reject(new WeftReadError('Weft: reading needs an endpoint and a token: call init({ endpoint, token }) or set WEFT_ENDPOINT and WEFT_TOKEN', 0, 'NOT_CONFIGURED'))
  let url: URL
  try {
    url = new URL(path, endpoint.endsWith('/') ? endpoint : `${endpoint}/`)
  } catch {
    return Promise.reject(new WeftReadError(`Weft: the endpoint "${endpoint}" is not a URL`, 0, 'NOT_CONFIGURED'))
  }
  const payload = Buffer.from(JSON.stringify(body))
  const transport = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = transport.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(payload.length), authorization: `Bearer ${token}` } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', (error) => reject(new WeftReadError(`Weft: reading ${path} failed: ${error.message}`, 0, 'UNREACHABLE')))
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        const status = response.statusCode ?? 0
        if (status >= 200 && status < 300 && json !== undefined) return resolve(json)
        const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error
        reject(new WeftReadError(error?.message ?? (text.slice(0, 200) || `HTTP ${status}`), status, error?.code ?? (status === 401 ? 'UNAUTHORIZED' : `HTTP_${status}`)))
      })
    })
    request.setTimeout(options.timeoutMs ?? 30_000, () => request.destroy(new Error(`no answer in ${options.timeoutMs ?? 30_000} ms`)))
    request.on('error', (error) => reject(new WeftReadError(`Weft is unreachable at ${endpoint}: ${error.message}`, 0, 'UNREACHABLE')))
    request.end(payload)
  })
}

/** Reads one version: `{ resolved, content }` from `objects/get`. */
async function getObject(ref: string, kind: 'prompt' | 'dataset', options: ReadOptions): Promise<{ ref: string; name: string; version: ObjectVersion; content: string }> {
  const qualified = qualify(ref, kind)
  let reply: { resolved?: Partial<ResolvedRef> & { version?: Partial<ObjectVersion> }; content?: unknown }
  try {
    reply = (await post('weft/v1/objects/get', { ref: qualified }, options)) as typeof reply
  } catch (error) {
    if (error instanceof WeftReadError) error.message = `Weft could not read ${qualified}: ${error.message}${error.status ? ` (HTTP ${error.status})` : ''}`
    throw error
  }
  const resolved = reply.resolved ?? {}
  const digest = resolved.digest ?? resolved.version?.digest
  if (typeof reply.content !== 'string' || typeof digest !== 'string') throw new WeftReadError(`Weft answered ${qualified} without content or version`, 200, 'INVALID_RESPONSE')
  const name = resolved.name ?? qualified.replace(/^.*[:/]/, '').split('@')[0]!
  const n = resolved.n ?? resolved.version?.n ?? null
  return { ref: `${kind}:${name}@${digest}`, name, version: { digest, n }, content: reply.content }
}

/** A prompt version, e.g. `getPrompt('summarize@production')` (or `prompt:summarize@v3`). Throws WeftReadError. */
export async function getPrompt(ref: string, options: ReadOptions = {}): Promise<Prompt> {
  const found = await getObject(ref, 'prompt', options)
  return {
    ...found,
    async render(variables = {}) {
      try {
        return (await post('weft/v1/prompts/render', { ref: found.ref, variables }, options)) as RenderedPrompt
      } catch (error) {
        if (error instanceof WeftReadError) error.message = `Weft could not render ${found.ref}: ${error.message}`
        throw error
      }
    },
  }
}

/** A dataset version's rows, e.g. `getDataset('tickets@v3')`. Throws WeftReadError. */
export async function getDataset(ref: string, options: ReadOptions = {}): Promise<Dataset> {
  const found = await getObject(ref, 'dataset', options)
  const rows: Record<string, unknown>[] = []
  const lines = found.content.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (!line) continue
    try {
      rows.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      throw new WeftReadError(`${found.ref}: line ${i + 1} is not JSON`, 200, 'INVALID_RESPONSE')
    }
  }
  return { ref: found.ref, name: found.name, version: found.version, rows }
}
