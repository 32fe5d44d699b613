/**
 * A minimal OpenAI-compatible chat-completions server for the evaluation
 * benchmark. Run it as a child (`fork`) so answering requests does not count
 * against the measured process: it says `{ port }` over IPC once listening and
 * answers `'count'` with the requests seen so far.
 *
 *   fork('bench/lib/fakeChat.mjs', ['--latency=50'])
 *
 * Every request is answered after exactly `--latency` ms with a reply derived
 * from its last message (see {@link answerFor}), plus usage tokens, so the same
 * rows give the same answers to every tool that asks.
 */
import http from 'node:http'

/** Words the fake recognises as a ticket's category; anything else is "other". */
export const CATEGORIES = ['refund', 'shipping', 'login', 'billing']

/** The reply to a prompt: `Category: refund. Customer C0042.` (the customer is the word after "from"). */
export function answerFor(text) {
  const category = CATEGORIES.find((c) => text.includes(c)) ?? 'other'
  const customer = /from (\S+?):/.exec(text)?.[1] ?? 'unknown'
  return `Category: ${category}. Customer ${customer}.`
}

/** Starts the server on a free port of 127.0.0.1; resolves with it and a request counter. */
export function startFakeChat({ latencyMs = 50 } = {}) {
  let requests = 0
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      requests++
      let body
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' })
        return res.end('{"error":{"message":"bad JSON"}}')
      }
      const last = body.messages?.at(-1)?.content
      const text = typeof last === 'string' ? last : JSON.stringify(last ?? '')
      const content = answerFor(text)
      const promptTokens = Math.ceil(text.length / 4)
      const completionTokens = Math.ceil(content.length / 4)
      const reply = JSON.stringify({
        id: `chatcmpl-${requests}`,
        object: 'chat.completion',
        created: 0,
        model: body.model ?? 'fake',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      })
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) })
        res.end(reply)
      }, latencyMs)
    })
  })
  server.keepAliveTimeout = 30_000
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, count: () => requests, close: () => server.close() })),
  )
}

// As a forked child: report the port, answer count requests.
if (process.send) {
  const latency = Number(process.argv.find((a) => a.startsWith('--latency='))?.split('=')[1] ?? 50)
  const fake = await startFakeChat({ latencyMs: latency })
  process.on('message', (message) => {
    if (message === 'count') process.send({ count: fake.count() })
  })
  process.on('disconnect', () => process.exit(0))
  process.send({ port: fake.port })
}
