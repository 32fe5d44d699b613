#!/usr/bin/env node
/**
 * One benchmark run in a fresh process (so peak memory is this SDK's alone):
 * the same workload bare, then traced by one SDK, exporting to the sink.
 *
 *   node bench/sdk/runner.mjs <bare|weft|otel|weave> <sinkUrl> <calls> <warmupCalls> <yieldEvery>
 *
 * Workload: `await a()` where a → b → c are async no-op functions (3 spans per
 * call). Every `yieldEvery` calls the loop yields to the event loop once, as a
 * server handling requests would; exporters get their turn there. The traced
 * time runs from the first call to the end of the SDK's own flush (every span
 * acknowledged by the sink). Prints one JSON line.
 */
const [sdk, sinkUrl, callsText, warmupText, yieldText] = process.argv.slice(2)
const CALLS = Number(callsText)
const WARMUP = Number(warmupText)
const YIELD = Number(yieldText)

const tick = () => new Promise((resolve) => setImmediate(resolve))

/** The three no-op functions, each wrapped by `wrap(name, fn)`. */
function workload(wrap) {
  const c = wrap('c', async function c() {})
  const b = wrap('b', async function b() {
    await c()
  })
  const a = wrap('a', async function a() {
    await b()
  })
  return a
}

async function loop(a, calls) {
  const started = performance.now()
  for (let i = 0; i < calls; i++) {
    await a()
    if (i % YIELD === YIELD - 1) await tick()
  }
  return performance.now() - started
}

/** Each SDK: how to wrap a function, how to flush, what it says it dropped. */
async function setup() {
  if (sdk === 'bare') return { wrap: (_name, fn) => fn, flush: async () => {}, dropped: () => 0 }
  if (sdk === 'weft') {
    const weft = await import('../../out/sdk/index.js')
    weft.init({ endpoint: sinkUrl, token: 'bench', project: 'bench' })
    return { wrap: (name, fn) => weft.op(fn, { name }), flush: () => weft.flush(), dropped: () => weft.stats().dropped + weft.stats().failed, stats: () => weft.stats() }
  }
  if (sdk === 'otel') {
    const { context, trace } = await import('@opentelemetry/api')
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks')
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http')
    const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base')
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
    // Defaults, as most apps run it: queue 2,048, batches of 512, every 5 s.
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${sinkUrl}/v1/traces` }))] })
    trace.setGlobalTracerProvider(provider)
    const tracer = provider.getTracer('bench')
    const wrap = (name, fn) =>
      function (...args) {
        return tracer.startActiveSpan(name, async (span) => {
          try {
            return await fn.apply(this, args)
          } finally {
            span.end()
          }
        })
      }
    return { wrap, flush: () => provider.forceFlush(), dropped: () => 0 }
  }
  if (sdk === 'weave') {
    process.env.WF_TRACE_SERVER_URL = sinkUrl
    process.env.WANDB_API_KEY = 'bench'
    process.env.WEAVE_PRINT_CALL_LINK = 'false'
    const weave = await import('weave')
    const client = await weave.init('bench/sdk')
    return { wrap: (name, fn) => weave.op(fn, { name }), flush: () => client.waitForBatchProcessing(), dropped: () => 0 }
  }
  throw new Error(`unknown sdk ${sdk}`)
}

// Bare first, before any SDK is loaded (AsyncLocalStorage hooks slow every promise once enabled).
const bare = workload((_name, fn) => fn)
await loop(bare, WARMUP)
const bareMs = await loop(bare, CALLS)

const traced = await setup()
const a = workload(traced.wrap)
await loop(a, WARMUP)
await traced.flush()
const started = performance.now()
const loopMs = await loop(a, CALLS)
await traced.flush()
const tracedMs = performance.now() - started

console.log(
  JSON.stringify({
    sdk,
    calls: CALLS,
    warmupCalls: WARMUP,
    spansCreated: sdk === 'bare' ? 0 : 3 * (CALLS + WARMUP),
    bareMs,
    loopMs,
    tracedMs,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    reportedDropped: traced.dropped(),
    stats: traced.stats?.(),
  }),
)
// Weave keeps timers alive; the figures are out, so leave.
process.exit(0)
