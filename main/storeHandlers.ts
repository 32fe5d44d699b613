/**
 * The workbench operations backed by the object store. Each write reports
 * what changed so every window refreshes (the file watcher would notice too,
 * but later and without knowing it was us).
 */
import type { Handlers } from '../common/dispatch'
import { parseRef } from '../common/refs'
import { OBJECT_LAYOUT, type ObjectKind } from '../common/schemas/project'
import type { ObjectStore } from './store/store'
import { deleteObject, labelHistory, removeLabel, renameObject, restoreObject, saveObject, setLabel } from './store/writes'
import { canonicalize } from './store/formats'
import { renderPrompt } from './store/render'
import { WeftError } from '../common/errors'

/** What the store handlers need from the workbench. */
export interface StoreHandlerContext {
  /** The open project's store; throws NO_PROJECT_OPEN / NOT_A_PROJECT. */
  store(): Promise<ObjectStore>
  /** Called after a write: objects of these kinds changed, and HEAD moved. */
  changed(kinds: ObjectKind[]): Promise<void>
}

type StoreOperation =
  | 'objects.list'
  | 'objects.get'
  | 'objects.save'
  | 'objects.versions'
  | 'objects.restore'
  | 'objects.rename'
  | 'objects.delete'
  | 'refs.resolve'
  | 'labels.set'
  | 'labels.remove'
  | 'labels.history'
  | 'prompts.render'
  | 'objects.validate'

/** Handlers for the store operations of the contract. */
export function createStoreHandlers(ctx: StoreHandlerContext): Pick<Handlers, StoreOperation> {
  return {
    'objects.list': async ({ kind }) => ({ objects: await (await ctx.store()).list(kind) }),
    'objects.get': async ({ ref }) => (await ctx.store()).read(ref),
    'objects.save': async (request) => {
      const result = await saveObject(await ctx.store(), canonicalize, request)
      if (result.created) await ctx.changed([request.kind])
      return result
    },
    'objects.validate': async ({ kind, name, content }) => {
      const { folder, extensions } = OBJECT_LAYOUT[kind]
      try {
        canonicalize(kind, content, `${folder}/${name}${extensions[0]}`)
        return { valid: true, issues: [] }
      } catch (error) {
        if (error instanceof WeftError && error.code === 'INVALID_FILE') return { valid: false, issues: error.issues ?? [{ path: '', message: error.message }] }
        throw error
      }
    },
    'objects.versions': async ({ kind, name }) => ({ versions: await (await ctx.store()).versions(kind, name) }),
    'objects.restore': async ({ ref, message }) => {
      const parsed = parseRef(ref)
      const result = await restoreObject(await ctx.store(), parsed, message)
      if (result.created) await ctx.changed([parsed.kind])
      return result
    },
    'objects.rename': async ({ kind, from, to }) => {
      const result = await renameObject(await ctx.store(), kind, from, to)
      await ctx.changed([kind])
      return result
    },
    'objects.delete': async ({ kind, name }) => {
      const result = await deleteObject(await ctx.store(), kind, name)
      await ctx.changed([kind])
      return result
    },
    'refs.resolve': async ({ ref }) => (await ctx.store()).resolve(ref),
    'labels.set': async ({ ref, label }) => {
      const parsed = parseRef(ref)
      const result = await setLabel(await ctx.store(), parsed, label)
      if (result.commit) await ctx.changed([parsed.kind])
      return result
    },
    'labels.remove': async ({ kind, name, label }) => {
      const result = await removeLabel(await ctx.store(), kind, name, label)
      await ctx.changed([kind])
      return result
    },
    'labels.history': async ({ kind, name }) => ({ events: await labelHistory(await ctx.store(), kind, name) }),
    'prompts.render': async ({ ref, content, variables }) => {
      if (content !== undefined) return renderPrompt(content, variables, 'prompts/unsaved.prompt')
      const { resolved, content: text } = await (await ctx.store()).read(ref!, 'prompt')
      if (resolved.kind !== 'prompt') throw new WeftError('INVALID_REQUEST', `${resolved.ref} is a ${resolved.kind}, not a prompt`, [{ path: 'ref', message: 'not a prompt' }])
      return renderPrompt(text, variables, `prompts/${resolved.name}.prompt`)
    },
  }
}
