/**
 * Serves the built renderer: files under one root, hashed assets cached for
 * good, unknown paths without an extension answered with index.html.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { ServerResponse } from 'node:http'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
}

/** Resolves a URL path inside `root`, or null when it would escape it. */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`)
  return file === root || file.startsWith(root + path.sep) ? file : null
}

/** A renderer file found for a URL path: where it is, its size and how to label it. */
export interface StaticFile {
  file: string
  size: number
  contentType: string
  /** Hashed build assets never change under the same name. */
  immutable: boolean
}

/**
 * Finds the file for a URL path under `root`: the file itself, or index.html
 * for client-side routes (paths without an extension). Null for anything
 * missing or outside `root`.
 */
export async function findStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let file = resolveStaticPath(root, urlPath === '/' ? '/index.html' : urlPath)
  if (!file) return null
  let stat = await fs.promises.stat(file).catch(() => null)
  if (!stat?.isFile()) {
    if (path.extname(urlPath)) return null
    file = path.join(root, 'index.html')
    stat = await fs.promises.stat(file).catch(() => null)
    if (!stat?.isFile()) return null
  }
  return {
    file,
    size: stat.size,
    contentType: TYPES[path.extname(file)] ?? 'application/octet-stream',
    immutable: file.includes(`${path.sep}assets${path.sep}`),
  }
}

/** Writes a static file response; returns false when there is no such file. */
export async function sendStatic(root: string, urlPath: string, res: ServerResponse, headers: Record<string, string>): Promise<boolean> {
  const found = await findStaticFile(root, urlPath)
  if (!found) return false
  res.writeHead(200, {
    ...headers,
    'content-type': found.contentType,
    'content-length': String(found.size),
    'cache-control': found.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  fs.createReadStream(found.file).pipe(res)
  return true
}
