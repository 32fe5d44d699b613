/**
 * A fake Anthropic Messages API on 127.0.0.1 for provider tests: POST
 * /v1/messages answered as JSON or as SSE with Anthropic's event types, plus
 * the failures a real deployment shows (429 with retry-after, 500/529, slow
 * answers, malformed JSON, a connection dropped mid-stream), so the provider
 * is tested end to end through the official SDK, never the network.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One content block of a scripted answer. */
export type FakeBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }

/** What the next request gets. */
export type FakeReply =
  /** `delayMs` holds back the headers; `eventDelayMs` spaces out the SSE events of a stream. */
  | { kind: 'message'; blocks: FakeBlock[]; stopReason?: string; usage?: { input: number; output: number }; delayMs?: number; eventDelayMs?: number }
  | { kind: 'error'; status: number; errorType: string; message?: string; retryAfter?: string }
  | { kind: 'malformed' }
  /** Streams message_start and the first `deltas` text deltas of `text`, then destroys the socket (or, with `errorType`, sends an SSE error event). */
  | { kind: 'drop'; text: string; deltas: number; errorType?: string }

/** What the server saw of one request. */
export interface FakeAnthropicRequest {
  apiKey: string | undefined
  body: Record<string, unknown>
}

/** Options for {@link startFakeAnthropic}. */
export interface StartFakeAnthropicOptions {
  /** When set, other keys get a 401 authentication_error. */
  apiKey?: string
  /** Echo the received key in error messages, like a careless proxy, to prove the provider scrubs it. */
  echoKeyInErrors?: boolean
}

/** A running fake; queue replies with `reply`, read `requests`, then `close`. */
export interface FakeAnthropic {
  url: string
  requests: FakeAnthropicRequest[]
  reply(...replies: FakeReply[]): void
  close(): Promise<void>
}

const defaultReply: FakeReply = { kind: 'message', blocks: [{ type: 'text', text: 'Hello from fake Claude.' }] }

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeAnthropic(options: StartFakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: FakeAnthropicRequest[] = []
  const queue: FakeReply[] = []
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
    req.on('end', () => {
      // Anthropic takes the key as x-api-key or, as recent SDKs send it, a Bearer token.
      const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1]
      const apiKey = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : bearer
      const body = JSON.parse(raw || '{}') as Record<string, unknown>
      requests.push({ apiKey, body })
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) return sendError(res, { kind: 'error', status: 404, errorType: 'not_found_error' })
      if (options.apiKey !== undefined && apiKey !== options.apiKey) {
        const message = options.echoKeyInErrors ? `invalid x-api-key ${apiKey}` : 'invalid x-api-key'
        return sendError(res, { kind: 'error', status: 401, errorType: 'authentication_error', message })
      }
      const reply = queue.shift() ?? defaultReply
      answer(res, reply, body, body.stream === true, options.echoKeyInErrors ? apiKey : undefined)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function answer(res: http.ServerResponse, reply: FakeReply, body: Record<string, unknown>, stream: boolean, echoKey: string | undefined): void {
  if (reply.kind === 'error') return sendError(res, echoKey ? { ...reply, message: `${reply.message ?? ''} key=${echoKey}` } : reply)
  if (reply.kind === 'malformed') {
    res.writeHead(200, { 'Content-Type': stream ? 'text/event-stream' : 'application/json' })
    res.end(stream ? 'event: message_start\ndata: {"type":"message_start","message":\n\n' : '{"id":"msg_1","content":[{"type":"text"')
    return
  }
  if (reply.kind === 'drop') {
    res.writeHead(200, { 'Content-Type': stream ? 'text/event-stream' : 'application/json' })
    if (stream) {
      const events = streamEvents({ kind: 'message', blocks: [{ type: 'text', text: reply.text }] }, String(body.model))
      // message_start + content_block_start, then the first deltas.
      for (const event of events.slice(0, 2 + reply.deltas)) res.write(sse(event))
      if (reply.errorType) return void res.end(sse({ type: 'error', error: { type: reply.errorType, message: reply.errorType } }))
    } else {
      res.write('{"id":"msg_1","content":[')
    }
    // Give the client a moment to read what was sent, then cut the connection.
    setTimeout(() => res.socket?.destroy(), 30)
    return
  }
  let timer = setTimeout(() => {
    if (!stream) {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(messageBody(reply, String(body.model))))
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' })
    const events = streamEvents(reply, String(body.model))
    const writeNext = () => {
      const event = events.shift()
      if (!event) return void res.end()
      res.write(sse(event))
      if (reply.eventDelayMs) timer = setTimeout(writeNext, reply.eventDelayMs)
      else writeNext()
    }
    writeNext()
  }, reply.delayMs ?? 0)
  // A client that gave up (timeout, cancel) must not leave a timer writing to a dead socket.
  res.on('close', () => clearTimeout(timer))
}

function sendError(res: http.ServerResponse, reply: Extract<FakeReply, { kind: 'error' }>): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter
  res.writeHead(reply.status, headers)
  res.end(JSON.stringify({ type: 'error', error: { type: reply.errorType, message: reply.message ?? reply.errorType } }))
}

function messageBody(reply: Extract<FakeReply, { kind: 'message' }>, model: string) {
  const toolUse = reply.blocks.some((b) => b.type === 'tool_use')
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: reply.blocks,
    stop_reason: reply.stopReason ?? (toolUse ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: { input_tokens: reply.usage?.input ?? 12, output_tokens: reply.usage?.output ?? 7 },
  }
}

/** The SSE events of one answer: text in word-sized deltas, tool input in three input_json_delta pieces. */
function streamEvents(reply: Extract<FakeReply, { kind: 'message' }>, model: string): Record<string, unknown>[] {
  const full = messageBody(reply, model)
  const events: Record<string, unknown>[] = [
    { type: 'message_start', message: { ...full, content: [], stop_reason: null, usage: { input_tokens: full.usage.input_tokens, output_tokens: 1 } } },
  ]
  reply.blocks.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } })
      for (const piece of block.text.match(/\S+\s*/g) ?? []) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } })
    } else {
      events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } })
      const json = JSON.stringify(block.input)
      const third = Math.ceil(json.length / 3)
      for (let at = 0; at < json.length; at += third) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(at, at + third) } })
      }
    }
    events.push({ type: 'content_block_stop', index })
  })
  events.push({ type: 'message_delta', delta: { stop_reason: full.stop_reason, stop_sequence: null }, usage: { output_tokens: full.usage.output_tokens } })
  events.push({ type: 'message_stop' })
  return events
}

function sse(event: Record<string, unknown>): string {
  return `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`
}
