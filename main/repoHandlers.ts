/**
 * Workbench operations on the repository itself — branches, remotes,
 * pull/push, maintenance — and the dataset/diff operations that read and
 * write files outside the store (imports, exports, working copies).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { EventOf } from '../common/contract'
import type { Handlers } from '../common/dispatch'
import { WeftError } from '../common/errors'
import { parseRef } from '../common/refs'
import type { ObjectKind } from '../common/schemas/project'
import { createBranch, deleteBranch, listBranches, switchBranch } from './store/branches'
import { diffObjects } from './store/diff'
import { exportDataset, importDataset, previewImport } from './store/importExport'
import { maintainRepository } from './store/maintenance'
import type { ObjectStore, ResolvedRef } from './store/store'
import { addRemote, listRemotes, pull, push, removeRemote } from './store/sync'
import { savePreparedFile } from './store/writes'

/** What the repository handlers need from the workbench. */
export interface RepoHandlerContext {
  store(): Promise<ObjectStore>
  /** Objects of these kinds changed and HEAD may have moved; `all` after a branch switch or pull. */
  changed(kinds: ObjectKind[] | 'all'): Promise<void>
  progress(event: EventOf<'progress'>): void
  /** Base for relative file paths in requests. */
  cwd: string
  /** Where remote tokens are kept (never in the repository). */
  userDataDir: string
}

type RepoOperation =
  | 'objects.diff'
  | 'datasets.previewImport'
  | 'datasets.import'
  | 'datasets.export'
  | 'branches.list'
  | 'branches.create'
  | 'branches.switch'
  | 'branches.delete'
  | 'remotes.list'
  | 'remotes.add'
  | 'remotes.remove'
  | 'sync.pull'
  | 'sync.push'
  | 'repo.maintain'

let importCounter = 0

/** Handlers for the repository operations of the contract. */
export function createRepoHandlers(ctx: RepoHandlerContext): Pick<Handlers, RepoOperation> {
  const file = (p: string) => path.resolve(ctx.cwd, p)
  const dirOf = async () => (await ctx.store()).dir

  return {
    'objects.diff': async ({ from, to, content, limit }) => {
      const store = await ctx.store()
      const before = await store.read(from)
      let toResolved: ResolvedRef | null = null
      let after: string | null
      if (to !== undefined) {
        const other = await store.read(to)
        if (other.resolved.kind !== before.resolved.kind) {
          throw new WeftError('INVALID_REQUEST', `Cannot diff a ${before.resolved.kind} with a ${other.resolved.kind}`, [{ path: 'to', message: 'a different kind' }])
        }
        toResolved = other.resolved
        after = other.content
      } else if (content !== undefined) {
        after = content
      } else {
        // The working copy: what is on disk now, saved or not.
        const { path: filepath } = await store.pathOf(before.resolved.kind, before.resolved.name, await store.head())
        after = await fs.promises.readFile(path.join(store.dir, filepath), 'utf8').catch(() => null)
      }
      return { from: before.resolved, to: toResolved, diff: diffObjects(before.resolved.kind, before.content, after, { limit }) }
    },

    'datasets.previewImport': async ({ file: source, ...options }) => previewImport(file(source), options),

    'datasets.import': async ({ file: source, name, message, baseVersion, ...options }) => {
      const store = await ctx.store()
      const tmpDir = path.join(store.dir, '.weft', 'tmp')
      await fs.promises.mkdir(tmpDir, { recursive: true })
      const prepared = path.join(tmpDir, `import-${process.pid}-${++importCounter}.jsonl`)
      const taskId = `import:${name}:${importCounter}`
      const label = `Importing ${path.basename(source)} into dataset:${name}`
      try {
        const result = await importDataset(file(source), prepared, {
          ...options,
          onProgress: (p) => ctx.progress({ taskId, label, done: p.bytesRead, total: p.totalBytes, state: 'running' }),
        })
        const saved = await savePreparedFile(store, {
          kind: 'dataset',
          name,
          file: prepared,
          baseVersion,
          message: message ?? `Import dataset:${name} from ${path.basename(source)} (${result.rows} rows)`,
        })
        ctx.progress({ taskId, label, done: result.rows, total: result.rows, state: 'finished', message: `${result.rows} rows` })
        if (saved.created) await ctx.changed(['dataset'])
        return { ...saved, rows: result.rows, columns: result.columns }
      } catch (error) {
        ctx.progress({ taskId, label, done: 0, total: null, state: 'failed', message: (error as Error).message })
        throw error
      } finally {
        await fs.promises.rm(prepared, { force: true })
      }
    },

    'datasets.export': async ({ ref, file: target, format }) => {
      const store = await ctx.store()
      const { resolved, content } = await store.read(parseRef(ref, 'dataset'))
      if (resolved.kind !== 'dataset') throw new WeftError('INVALID_REQUEST', `${resolved.ref} is a ${resolved.kind}, not a dataset`, [{ path: 'ref', message: 'not a dataset' }])
      const tmp = path.join(store.dir, '.weft', 'tmp', `export-${process.pid}-${++importCounter}.jsonl`)
      await fs.promises.mkdir(path.dirname(tmp), { recursive: true })
      try {
        await fs.promises.writeFile(tmp, content)
        const out = file(target)
        return { file: out, ...(await exportDataset(tmp, out, { format })) }
      } finally {
        await fs.promises.rm(tmp, { force: true })
      }
    },

    'branches.list': async () => listBranches({ dir: await dirOf() }),
    'branches.create': async ({ name, from, checkout }) => {
      const branch = await createBranch({ dir: await dirOf(), name, from, checkout })
      if (checkout) await ctx.changed('all')
      return branch
    },
    'branches.switch': async ({ name }) => {
      const result = await switchBranch({ dir: await dirOf(), name })
      await ctx.changed('all')
      return result
    },
    'branches.delete': async ({ name, force }) => {
      const dir = await dirOf()
      await deleteBranch({ dir, name, force })
      return { branches: (await listBranches({ dir })).branches }
    },

    'remotes.list': async () => ({ remotes: await listRemotes({ dir: await dirOf(), userDataDir: ctx.userDataDir }) }),
    'remotes.add': async ({ name, url, token }) => {
      const dir = await dirOf()
      await addRemote({ dir, name, url, token, userDataDir: ctx.userDataDir })
      return { remotes: await listRemotes({ dir, userDataDir: ctx.userDataDir }) }
    },
    'remotes.remove': async ({ name }) => {
      const dir = await dirOf()
      await removeRemote({ dir, name })
      return { remotes: await listRemotes({ dir, userDataDir: ctx.userDataDir }) }
    },

    'sync.pull': async ({ remote, branch }) => {
      const store = await ctx.store()
      const result = await pull({ dir: store.dir, remote, branch, userDataDir: ctx.userDataDir, author: await store.author(), now: () => store.time() })
      if (result.status === 'fast-forward' || result.status === 'merged') await ctx.changed('all')
      return result
    },
    'sync.push': async ({ remote, branch }) => {
      const result = await push({ dir: await dirOf(), remote, branch, userDataDir: ctx.userDataDir })
      // Ahead/behind changed: every window refreshes its status bar.
      if (result.status === 'pushed') await ctx.changed([])
      return result
    },
    'repo.maintain': async ({ useGitCli }) => maintainRepository({ dir: await dirOf(), useGitCli }),
  }
}
