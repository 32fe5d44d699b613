/**
 * A local fake of the OpenAI chat-completions API on 127.0.0.1, so provider
 * tests never touch the network. Each test queues the replies it wants (JSON,
 * SSE stream, error with headers, slow, malformed, dropped mid-stream); with
 * an empty queue the server answers "ok". Requests are recorded for asserts.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One scripted reply. */
export type FakeReply =
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'sse'; chunks: unknown[]; headers?: Record<string, string>; delayMs?: number; chunkDelayMs?: number; dropAfter?: number; raw?: string[] }
  | { kind: 'raw'; body: string; status?: number; contentType?: string; delayMs?: number }

/** A request as the server saw it. */
export interface FakeRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: Record<string, unknown>
}

/** A running fake server. */
export interface FakeOpenAI {
  /** With `/v1`, as the SDK's baseURL expects. */
  baseUrl: string
  requests: FakeRequest[]
  /** Most requests in flight at once so far. */
  readonly maxInFlight: number
  enqueue(...replies: FakeReply[]): void
  close(): Promise<void>
}

interface ToolCallSpec {
  id: string
  name: string
  arguments: string
}

/** A chat.completion body. */
export function completion(options: { content?: string | null; toolCalls?: ToolCallSpec[]; usage?: { prompt: number; completion: number }; finishReason?: string } = {}): unknown {
  const { content = 'ok', toolCalls, usage = { prompt: 5, completion: 1 }, finishReason = toolCalls ? 'tool_calls' : 'stop' } = options
  const message = { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}) }
  return { id: 'chatcmpl-fake', object: 'chat.completion', created: 0, model: 'fake', choices: [{ index: 0, message, finish_reason: finishReason }], usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } }
}

/** The chunks of a streamed answer: text pieces, tool calls split in two fragments, then a usage chunk. */
export function streamChunks(options: { pieces?: string[]; toolCalls?: ToolCallSpec[]; usage?: { prompt: number; completion: number } | null; finishReason?: string } = {}): unknown[] {
  const { pieces = ['o', 'k'], toolCalls = [], usage = { prompt: 5, completion: 2 } } = options
  const chunk = (delta: unknown, finish: string | null = null) => ({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }] })
  const chunks: unknown[] = [chunk({ role: 'assistant', content: '' })]
  for (const p of pieces) chunks.push(chunk({ content: p }))
  toolCalls.forEach((c, index) => {
    const half = Math.floor(c.arguments.length / 2)
    chunks.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments.slice(0, half) } }] }))
    chunks.push(chunk({ tool_calls: [{ index, function: { arguments: c.arguments.slice(half) } }] }))
  })
  chunks.push(chunk({}, options.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop')))
  if (usage) chunks.push({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [], usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } })
  return chunks
}

/** An OpenAI-style error reply. */
export function errorReply(status: number, message: string, headers?: Record<string, string>): FakeReply {
  return { kind: 'json', status, headers, body: { error: { message, type: 'fake_error', code: null } } }
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: FakeReply[] = []
  const requests: FakeRequest[] = []
  let inFlight = 0
  let maxInFlight = 0
  const wait = (ms: number | undefined, res: http.ServerResponse) =>
    new Promise<boolean>((resolve) => {
      if (!ms) return resolve(true)
      const timer = setTimeout(() => resolve(true), ms)
      res.on('close', () => (clearTimeout(timer), resolve(false)))
    })

  const server = http.createServer(async (req, res) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    // 'finish' comes before the client can see the end; 'close' covers a dropped connection.
    let counted = true
    const done = () => {
      if (!counted) return
      counted = false
      inFlight--
    }
    res.on('finish', done)
    res.on('close', done)
    let text = ''
    for await (const part of req) text += part
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {}
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body })
    const reply = queue.shift() ?? (body.stream ? { kind: 'sse', chunks: streamChunks() } : { kind: 'json', body: completion() })
    if (!(await wait(reply.delayMs, res))) return
    if (reply.kind === 'json') {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
      return res.end(JSON.stringify(reply.body))
    }
    if (reply.kind === 'raw') {
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' })
      return res.end(reply.body)
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers })
    const lines = reply.raw ?? reply.chunks.map((c) => JSON.stringify(c))
    for (let i = 0; i < lines.length; i++) {
      if (reply.dropAfter !== undefined && i >= reply.dropAfter) {
        // Flush what was written, then cut the connection as a crashed proxy would.
        return void setTimeout(() => res.socket?.destroy(), 20)
      }
      res.write(`data: ${lines[i]}\n\n`)
      if (!(await wait(reply.chunkDelayMs, res))) return
    }
    res.end('data: [DONE]\n\n')
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return maxInFlight
    },
    enqueue: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
