/**
 * Sends `count` spans of generated traces in batches of `batch`, two requests
 * in flight, in span order: trace t's spans are `trace(t)` (each trace the same
 * number of spans), so a batch may end mid-trace and the next one carries on.
 * Resolves with the rate, spans per second.
 */
export async function sendTraces({ send, count, batch, spansPerTrace, trace }) {
  const started = performance.now()
  let next = 0
  const lane = async () => {
    while (next < count) {
      const from = next
      next = Math.min(count, next + batch)
      const spans = []
      for (let t = Math.floor(from / spansPerTrace); t * spansPerTrace < next; t++) {
        const all = trace(t)
        for (let level = 0; level < spansPerTrace; level++) if (t * spansPerTrace + level >= from && t * spansPerTrace + level < next) spans.push(all[level])
      }
      await send(spans)
    }
  }
  await Promise.all([lane(), lane()])
  return count / ((performance.now() - started) / 1000)
}
