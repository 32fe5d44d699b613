/** Any value from span content: text as folded text, everything else as a JSON tree. */
import { JsonTree } from './JsonTree'
import { TextBlock } from './TextBlock'

/** Strings that hold JSON (common in OTel attributes) read better as the value they encode. */
export function decodeJsonString(value: unknown): unknown {
  if (typeof value !== 'string' || value.length > 5_000_000) return value
  const t = value.trimStart()
  if (!t.startsWith('{') && !t.startsWith('[')) return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

/** Text, a number or a JSON tree, by the value's type. */
export function ValueView({ value, openDepth }: { value: unknown; openDepth?: number }) {
  const decoded = decodeJsonString(value)
  if (typeof decoded === 'string') return <TextBlock text={decoded} />
  return <JsonTree value={decoded} openDepth={openDepth} />
}
