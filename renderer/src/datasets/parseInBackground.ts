/** Parses JSONL in a Web Worker when the text is big and workers exist; inline otherwise (small files, jsdom). */
import { parseJsonl, type ParsedJsonl } from './jsonl'
import ParseWorker from './parse.worker?worker'

// Below this a worker's start-up and the copy back cost more than parsing here.
const WORKER_THRESHOLD = 256 * 1024

/** The rows of a JSONL text, parsed off the main thread when it is large. */
export function parseInBackground(text: string): Promise<ParsedJsonl> {
  if (text.length < WORKER_THRESHOLD || typeof Worker === 'undefined') return Promise.resolve(parseJsonl(text))
  return new Promise((resolve, reject) => {
    const worker = new ParseWorker()
    worker.onmessage = (event: MessageEvent<ParsedJsonl>) => {
      worker.terminate()
      resolve(event.data)
    }
    worker.onerror = (event) => {
      worker.terminate()
      reject(new Error(event.message || 'the dataset could not be parsed'))
    }
    worker.postMessage(text)
  })
}
