/** The annotation operations (issue 10): queues with progress, items, submit, list, agreement, write-back and export. */
import type { EventOf } from '../common/contract'
import type { Handlers } from '../common/dispatch'
import { WeftError } from '../common/errors'
import type { Annotation } from '../common/schemas/annotation'
import type { ObjectKind } from '../common/schemas/project'
import { annotationStore } from './annotations/annotationStore'
import { queueAgreement } from './annotations/agreement'
import { annotationsCsv, annotationsJsonl } from './annotations/export'
import { QueueReader, type QueueVersion } from './annotations/queues'
import { SourceReader, type ItemSource } from './annotations/sources'
import { submitAnnotations } from './annotations/submit'
import { applyToItemRows, applyToSourceRows, datasetItemRow, resolveLabels, resultItemRow } from './annotations/writeBack'
import { canonicalize } from './store/formats'
import { formatJsonl, parseJsonl } from './store/formats/dataset'
import { checkName, type ObjectStore } from './store/store'
import { saveObject } from './store/writes'
import type { TraceDb } from './traces/db'

type AnnotationOperation =
  | 'annotations.queues'
  | 'annotations.items'
  | 'annotations.submit'
  | 'annotations.list'
  | 'annotations.agreement'
  | 'annotations.writeBack'
  | 'annotations.export'

/** What the annotation handlers need from the workbench. */
export interface AnnotationHandlerContext {
  store(): Promise<ObjectStore>
  /** The open project's trace database (annotations live there, beside traces and runs). */
  traces(): TraceDb
  /** Called after a write-back commit: datasets changed, HEAD moved. */
  changed(kinds: ObjectKind[]): Promise<void>
  emit(event: EventOf<'annotations.changed'>): void
  now(): Date
}

/** Builds the annotation operations' handlers. */
export function createAnnotationHandlers(ctx: AnnotationHandlerContext): Pick<Handlers, AnnotationOperation> {
  const queues = new QueueReader(ctx.store)
  const sources = new SourceReader()
  const annotations = () => annotationStore(ctx.traces().sqlite)
  const readSource = async (queue: QueueVersion): Promise<ItemSource> =>
    sources.read(queue.definition, { store: await ctx.store(), traces: ctx.traces(), now: ctx.now().getTime() })

  /** A queue version's fields for submit: `queue` names an unknown queue, `queueVersion` a version it never had. */
  const definitionOf = async (name: string, version: string) => {
    try {
      return await queues.version(name, version)
    } catch (error) {
      if (!(error instanceof WeftError)) throw error
      if (error.code === 'INVALID_FILE') {
        const where = error.issues?.[0]
        throw new WeftError('INVALID_FILE', `Queue ${name} version ${version.slice(0, 7)} is not a valid queue${where ? ` (${where.file ?? ''}${where.line ? `:${where.line}` : ''} ${where.path}: ${where.message})` : ''}; fix queues/${name}.yaml and annotate again`, [{ path: 'queueVersion', message: 'invalid queue version' }])
      }
      if (error.code !== 'NOT_FOUND' && error.code !== 'INVALID_REQUEST') throw error
      const known = error.code === 'NOT_FOUND' && (await (await ctx.store()).versions('queue', name).catch(() => [])).length > 0
      if (!known) throw new WeftError('NOT_FOUND', `No annotation queue named "${name}" in this project`, [{ path: 'queue', message: 'unknown queue' }])
      throw new WeftError('NOT_FOUND', `${version.slice(0, 7)} is not a version of queue ${name}; reload the queue and annotate again`, [{ path: 'queueVersion', message: 'unknown version' }])
    }
  }

  return {
    'annotations.queues': async () => {
      const out = []
      for (const queue of await queues.all()) {
        // A version that does not validate (committed outside Weft) has no definition to show; annotations.items says why.
        if ('error' in queue) continue
        const completed = annotations().completed(queue.name)
        let total: number | null = null
        let problem: string | undefined
        let inSource: (id: string) => boolean = () => true
        try {
          const { items } = await readSource(queue)
          total = items.length
          const ids = new Set(items.map((i) => i.id))
          inSource = (id) => ids.has(id)
        } catch (error) {
          if (!(error instanceof WeftError)) throw error
          problem = error.message
        }
        const complete = completed.filter((a) => inSource(a.itemId))
        const byAnnotator: Record<string, number> = {}
        for (const a of complete) byAnnotator[a.annotator] = (byAnnotator[a.annotator] ?? 0) + 1
        out.push({ name: queue.name, version: queue.version, definition: queue.definition, total, done: new Set(complete.map((a) => a.itemId)).size, byAnnotator, ...(problem ? { problem } : {}) })
      }
      return { queues: out }
    },

    'annotations.items': async ({ queue: name, annotator, filter, offset, limit }) => {
      const queue = await queues.current(name)
      const source = await readSource(queue)
      let matching = source.items
      if (filter !== 'all') {
        const done = annotations().doneItems(name, annotator)
        matching = source.items.filter((item) => done.has(item.id) === (filter === 'done'))
      }
      const page = source.full(matching.slice(offset, offset + limit))
      const byItem = groupByItem(annotations().forItems(name, page.map((item) => item.id)))
      return {
        queue: { name: queue.name, version: queue.version, definition: queue.definition },
        total: matching.length,
        items: page.map((item) => ({ ...item, annotations: byItem.get(item.id) ?? [] })),
      }
    },

    'annotations.submit': async ({ annotations: inputs }) => {
      const result = await submitAnnotations({ annotations: annotations(), definition: definitionOf, now: ctx.now().getTime() }, inputs)
      for (const [queue, itemIds] of result.changed) ctx.emit({ queue, itemIds })
      return { stored: result.stored, stale: result.stale, rejected: result.rejected }
    },

    // Annotations are local data and may outlive their queue's file: listing and export do not need the queue.
    'annotations.list': async ({ queue, annotator }) => ({ annotations: annotations().list(queue, annotator) }),

    'annotations.agreement': async ({ queue: name }) => {
      const queue = await queues.current(name)
      return queueAgreement(queue.definition.fields, annotations().list(name))
    },

    'annotations.export': async ({ queue, format }) => {
      const stored = annotations().list(queue)
      if (format === 'jsonl') return { content: annotationsJsonl(stored), filename: `${queue}-annotations.jsonl`, count: stored.length }
      const fields = await queues.current(queue).then((q) => q.definition.fields, () => [])
      return { content: annotationsCsv(fields, stored), filename: `${queue}-annotations.csv`, count: stored.length }
    },

    'annotations.writeBack': async ({ queue: name, dataset, resolve, message }) => {
      const queue = await queues.current(name)
      const source = await readSource(queue)
      const target = dataset ?? queue.definition.writeBack?.dataset ?? source.dataset
      if (!target) {
        const kind = 'traces' in queue.definition.source ? 'traces' : 'an evaluation'
        throw new WeftError('INVALID_REQUEST', `Queue ${name} takes its items from ${kind}: say which dataset the labels go to (dataset, or writeBack.dataset in queues/${name}.yaml)`, [{ path: 'dataset', message: 'required for a trace or evaluation source' }])
      }
      checkName(target, 'dataset')
      const labels = resolveLabels(annotations().list(name), resolve)
      const store = await ctx.store()
      const current = await store.read({ kind: 'dataset', name: target, selector: { type: 'latest' } }).catch((error: unknown) => {
        if (error instanceof WeftError && error.code === 'NOT_FOUND') return null
        throw error
      })
      const rows = current ? parseJsonl(current.content, `datasets/${target}.jsonl`) : []
      const annotated = source.items.filter((item) => labels.has(item.id))
      // Only the items written back load their full values (a trace's whole input and output).
      const items = source.full(annotated)
      const applied = source.dataset === target
        ? applyToSourceRows(rows, labels, queue.definition, new Map(items.map((i) => [i.id, i])))
        : applyToItemRows(rows, labels, queue.definition, items, source.dataset ? datasetItemRow : resultItemRow)
      const { updated, added } = applied.counts
      if (updated + added === 0) {
        if (!current) {
          throw new WeftError('INVALID_REQUEST', `Nothing to write: queue ${name} has no complete annotations${typeof resolve === 'object' ? ` by ${resolve.annotator}` : ''}, and dataset ${target} does not exist yet`, [{ path: 'queue', message: 'no complete annotations' }])
        }
        // Nothing would change: no empty commit; the current version is the answer.
        const version = (await store.versions('dataset', target)).find((v) => v.digest === current.resolved.digest)!
        return { version, commit: null, created: false, dataset: target, rows: applied.counts }
      }
      const saved = await saveObject(store, canonicalize, {
        kind: 'dataset', name: target, content: formatJsonl(applied.rows), message: message?.trim() || `Labels from queue ${name}`,
        // Refused (CONFLICT) when the dataset moved on while labels were applied, instead of overwriting that version.
        baseVersion: current ? current.resolved.digest : null,
      })
      if (saved.created) await ctx.changed(['dataset'])
      return { ...saved, dataset: target, rows: applied.counts }
    },
  }
}

function groupByItem(list: readonly Annotation[]): Map<string, Annotation[]> {
  const byItem = new Map<string, Annotation[]>()
  for (const a of list) {
    const items = byItem.get(a.itemId)
    if (items) items.push(a)
    else byItem.set(a.itemId, [a])
  }
  return byItem
}
