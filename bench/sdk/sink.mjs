#!/usr/bin/env node
/**
 * The benchmark's local sink, run in its own process so parsing what arrives
 * does not steal the measured thread. It speaks just enough of each protocol:
 * Weft's `/weft/v1/spans`, OTLP/HTTP JSON `/v1/traces`, and the Weave trace
 * server calls the unmodified `weave` SDK makes (weave.md §2.6–2.7:
 * `/obj/create` → {digest}, `/file/create` → {digest}, `/call/upsert_batch` → {}).
 * Spans are counted by scanning each body for a key every span has once
 * (Weft `"traceId":"`, OTLP `"spanId":"`, Weave `"mode":"end"`): a full
 * JSON.parse of 300,000 spans made the sink, not the SDKs, the bottleneck on
 * 2 shared cores. The first body of each kind is also parsed in full and the
 * two counts compared, so a malformed or miscounted body fails the run.
 *
 * IPC: sends {port} when listening; answers 'count' with {spans, requests, bytes, mismatch}; 'reset' zeroes.
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import { gunzipSync } from 'node:zlib'

let counts = { spans: 0, requests: 0, bytes: 0 }

function digest(buffer) {
  return createHash('sha256').update(buffer).digest('base64url').replace(/-/g, 'X').replace(/_/g, 'Y')
}

const NEEDLES = { '/weft/v1/spans': Buffer.from('"traceId":"'), '/v1/traces': Buffer.from('"spanId":"'), '/call/upsert_batch': Buffer.from('"mode":"end"') }
const verified = new Set()
let mismatch = null

function scanSpans(path, raw) {
  const needle = NEEDLES[path]
  if (!needle) return path === '/call/end' ? 1 : 0
  let n = 0
  for (let at = raw.indexOf(needle); at !== -1; at = raw.indexOf(needle, at + needle.length)) n++
  return n
}

function parsedSpans(path, body) {
  if (path === '/weft/v1/spans') return body.spans.length
  if (path === '/v1/traces') {
    let n = 0
    for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) n += (scope.spans ?? []).length
    return n
  }
  if (path === '/call/upsert_batch') return (body.batch ?? []).filter((item) => item.mode === 'end').length
  if (path === '/call/end') return 1
  return 0
}

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    let raw = Buffer.concat(chunks)
    counts.requests++
    counts.bytes += raw.length
    const path = (req.url ?? '').split('?')[0]
    const reply = (status, json) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(json))
    }
    try {
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw)
      // Multipart uploads (Weave /file/create) are not JSON; their digest is all the SDK needs.
      if (path === '/file/create') return reply(200, { digest: digest(raw) })
      const isJson = (req.headers['content-type'] ?? '').includes('json')
      const spans = scanSpans(path, raw)
      let body = {}
      if (isJson && raw.length && (!NEEDLES[path] || !verified.has(path))) {
        body = JSON.parse(raw.toString('utf8'))
        if (NEEDLES[path]) {
          verified.add(path)
          const parsed = parsedSpans(path, body)
          if (parsed !== spans) mismatch = `${path}: parsed ${parsed} spans, scanned ${spans}`
        }
      }
      counts.spans += spans
      if (path === '/weft/v1/spans') return reply(200, { accepted: spans })
      if (path === '/v1/traces') return reply(200, { partialSuccess: {} })
      if (path === '/obj/create') return reply(200, { digest: digest(JSON.stringify(body.obj?.val ?? null)) })
      if (path === '/server_info') return reply(200, { min_required_weave_python_version: '0.0.0' })
      return reply(200, {})
    } catch (error) {
      reply(400, { error: { message: String(error) } })
    }
  })
})
server.keepAliveTimeout = 30_000
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }))
process.on('message', (message) => {
  if (message === 'count') process.send?.({ ...counts, mismatch })
  if (message === 'reset') {
    counts = { spans: 0, requests: 0, bytes: 0 }
    verified.clear()
  }
  if (message === 'exit') server.close(() => process.exit(0))
})
process.on('disconnect', () => process.exit(0))
