/** Parses a dataset's JSONL off the main thread so opening 100,000 rows never freezes typing or scrolling. */
import { parseJsonl } from './jsonl'

self.onmessage = (event: MessageEvent<string>) => {
  self.postMessage(parseJsonl(event.data))
}
