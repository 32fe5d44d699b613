/**
 * `annotations.submit`: annotations from a renderer's outbox. Each is checked
 * alone against the queue version it names and is stored, found stale (the
 * stored one is as new or newer), or rejected with the path of what is wrong;
 * the others in the batch are stored regardless. All writes of a batch are
 * one transaction.
 */
import { WeftError } from '../../common/errors'
import type { AnnotationInput, QueueDefinition } from '../../common/schemas/annotation'
import type { AnnotationStore } from './annotationStore'
import { annotationProblem, isComplete } from './validate'

/** What {@link submitAnnotations} did. */
export interface SubmitResult {
  stored: string[]
  stale: string[]
  rejected: Array<{ id: string; path: string; message: string }>
  /** Item ids whose annotations changed, per queue (for `annotations.changed`). */
  changed: Map<string, string[]>
}

/** What submitting needs. */
export interface SubmitContext {
  annotations: AnnotationStore
  /** The fields of a queue version; throws WeftError (issue path `queue` or `queueVersion`) when it cannot be read. */
  definition(queue: string, version: string): Promise<QueueDefinition>
  /** Milliseconds now (stored time). */
  now: number
}

/** Stores what is new, reports what is stale or refused. */
export async function submitAnnotations(ctx: SubmitContext, inputs: readonly AnnotationInput[]): Promise<SubmitResult> {
  const result: SubmitResult = { stored: [], stale: [], rejected: [], changed: new Map() }
  // Read and check first (reading a version is async); then one synchronous transaction decides stale or stored.
  const checked: Array<{ input: AnnotationInput; complete: boolean }> = []
  for (const input of inputs) {
    let definition: QueueDefinition
    try {
      definition = await ctx.definition(input.queue, input.queueVersion)
    } catch (error) {
      if (!(error instanceof WeftError)) throw error
      result.rejected.push({ id: input.id, path: error.issues?.[0]?.path === 'queue' ? 'queue' : 'queueVersion', message: error.message })
      continue
    }
    const problem = annotationProblem(definition, input)
    if (problem) result.rejected.push({ id: input.id, ...problem })
    else checked.push({ input, complete: isComplete(definition, input.values) })
  }
  ctx.annotations.transaction(() => {
    for (const { input, complete } of checked) {
      const sameId = ctx.annotations.get(input.id)
      if (sameId && (sameId.queue !== input.queue || sameId.itemId !== input.itemId || sameId.annotator !== input.annotator)) {
        result.rejected.push({ id: input.id, path: 'id', message: `id ${input.id} already names ${sameId.annotator}'s annotation of item ${sameId.itemId} in queue ${sameId.queue}; make a new id for each item and annotator` })
        continue
      }
      const existing = sameId ?? ctx.annotations.find(input.queue, input.itemId, input.annotator)
      if (existing && existing.updatedMs >= input.updatedMs) {
        result.stale.push(input.id)
        continue
      }
      // The annotation keeps the time it first arrived; a newer edit replaces the rest.
      ctx.annotations.put({ ...input, storedMs: existing?.storedMs ?? ctx.now, complete }, existing ? [existing.id] : [])
      result.stored.push(input.id)
      const items = result.changed.get(input.queue) ?? []
      if (!items.includes(input.itemId)) items.push(input.itemId)
      result.changed.set(input.queue, items)
    }
  })
  return result
}
