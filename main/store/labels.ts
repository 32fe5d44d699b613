/**
 * Labels (`production`, `staging`, …) live in `labels.jsonl` at the project
 * root: an append-only log, one JSON event per line, committed like any other
 * change. So a move is atomic (one commit), auditable (who, when, from which
 * version to which) and travels with push/pull; and two people's moves merge
 * as the union of their lines.
 */
import { z } from 'zod'
import { WeftError } from '../../common/errors'
import { OBJECT_KINDS } from '../../common/schemas/project'

/** The labels file, relative to the project root. */
export const LABELS_FILE = 'labels.jsonl'

/** One label move. `from`/`to` are version digests; null means unset. */
export const LabelEventSchema = z
  .object({
    at: z.string(),
    by: z.string(),
    object: z.string().regex(new RegExp(`^(${OBJECT_KINDS.join('|')}):[^@\\s]+$`)),
    label: z.string().min(1),
    from: z.string().nullable(),
    to: z.string().nullable(),
  })
  .strict()

/** One label move. */
export type LabelEvent = z.infer<typeof LabelEventSchema>

/** Parses labels.jsonl; a damaged line is an error naming the line (never silently skipped). */
export function parseLabels(text: string): LabelEvent[] {
  const events: LabelEvent[] = []
  const lines = text.split('\n')
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      throw new WeftError('INVALID_FILE', `${LABELS_FILE}:${i + 1}: not valid JSON (${(error as Error).message})`, [
        { path: '', file: LABELS_FILE, line: i + 1, message: 'not valid JSON' },
      ])
    }
    const parsed = LabelEventSchema.safeParse(value)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new WeftError('INVALID_FILE', `${LABELS_FILE}:${i + 1}: ${issue.path.join('.')}: ${issue.message}`, [
        { path: issue.path.join('.'), file: LABELS_FILE, line: i + 1, message: issue.message },
      ])
    }
    events.push(parsed.data)
  })
  return events
}

/** One line for an event (stable key order, so merged logs dedupe by text). */
export function formatLabelEvent(event: LabelEvent): string {
  const { at, by, object, label, from, to } = event
  return JSON.stringify({ at, by, object, label, from, to })
}

/** Current labels: object ("kind:name") → label → digest. Later events win, in file order. */
export function currentLabels(events: readonly LabelEvent[]): Map<string, Map<string, string>> {
  const state = new Map<string, Map<string, string>>()
  for (const event of events) {
    let labels = state.get(event.object)
    if (!labels) state.set(event.object, (labels = new Map()))
    if (event.to) labels.set(event.label, event.to)
    else labels.delete(event.label)
  }
  return state
}
