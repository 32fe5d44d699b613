/**
 * createWorkbench: the object that implements the whole workbench API in plain
 * Node. Electron IPC, the web server, the CLI and the tests all use it through
 * `call`, which validates every request against the contract.
 */
import fs from 'node:fs'
import path from 'node:path'
import { EventHub, type WorkbenchClient } from '../common/client'
import type { EventName, EventOf, HostKind, OperationName, RequestOf, ResponseOf } from '../common/contract'
import { dispatch, parseRequest, type Handlers } from '../common/dispatch'
import { WeftError } from '../common/errors'
import type { ProjectInfo } from '../common/schemas/project'
import { readObject } from './project/objects'
import { OBJECT_KINDS, type ObjectKind } from '../common/schemas/project'
import { canonicalize } from './store/formats'
import { openObjectStore, type ObjectStore } from './store/store'
import { createStoreHandlers } from './storeHandlers'
import { createRepoHandlers } from './repoHandlers'
import { createRunHandlers, type RunHandlerContext } from './runHandlers'
import { createTraceHandlers } from './traceHandlers'
import { createEvalHandlers } from './evalHandlers'
import { createAnnotationHandlers } from './annotationHandlers'
import { closeProjectCaches } from './providers/cache'
import { createProviders } from './providers/registry'
import { evalWorkerFile } from './evals/worker/host'
import { TraceProjects } from './traces/projects'
import type { IngestProject, IngestReadOperation } from './server/ingest/types'
import { DEFAULT_KEY_NAMES, chainSecretSources, envSecretSource, type Keychain } from './providers/secrets'
import type { SecretSource } from './providers/types'
import { cloneRepository } from './store/sync'
import { maintainRepository, needsMaintenance } from './store/maintenance'
import { initProject, inspectProject, resolveDir } from './project/project'
import { RecentProjects } from './project/recent'
import { ensureSampleProject } from './project/sample'
import { watchProject } from './project/watch'
import { packageRoot } from './paths'

/** What a host can do that plain Node cannot (the desktop's native dialogs). */
export interface HostServices {
  pickDirectory?: (title?: string) => Promise<string | null>
  pickFile?: (title?: string, extensions?: string[]) => Promise<string | null>
  /** The OS keychain for API keys (desktop only). */
  keychain?: Keychain
}

/** Options for {@link createWorkbench}. */
export interface WorkbenchOptions {
  /** Per-user state: recent projects, the sample project. */
  userDataDir: string
  /** A project to open at start; a folder that is not a project opens as "needs-init". */
  projectDir?: string
  /** Which host serves this workbench. */
  host: HostKind
  /** Host-only capabilities. */
  services?: HostServices
  /** Folder with the sample project template; defaults to the package's resources/. */
  sampleTemplateDir?: string
  /** Base for relative paths in requests (the CLI's cwd). */
  cwd?: string
  /** The app version reported by app.info. */
  version?: string
  /** The clock for commits and timestamps; tests fix it. */
  now?: () => Date
  /** Pack loose git objects in the background after writes (default on). */
  autoMaintain?: boolean
  /** Loose objects that trigger background maintenance (default: the store's threshold). */
  maintenanceThreshold?: number
  /** Where API keys come from (default: the environment; the desktop passes the OS keychain). */
  secrets?: SecretSource
  /** Provider layer options (tests: retry policy, clock). */
  providerOptions?: RunHandlerContext['providerOptions']
  /**
   * The built evaluation worker: runs go to a worker thread so the app stays
   * responsive. Default: out/main/evalWorker.js for the desktop and web mode
   * when running from the bundle; the CLI (nothing to keep responsive) and
   * source runs evaluate in-thread.
   */
  evalWorker?: string | null
}

/** The workbench: the contract's implementation plus events. */
export interface Workbench extends WorkbenchClient {
  /** Validating entry point for untrusted calls (IPC, HTTP): name and request are checked. */
  callRaw(name: unknown, request: unknown): Promise<unknown>
  /** Listens to every event (transports forward them). */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void
  /** Opens the project given at start, the last recent one, or nothing. */
  openInitial(options?: { fallbackToSample?: boolean }): Promise<ProjectInfo | null>
  /** What the host's ingest server needs: find a project by token, and report where it listens. */
  ingest: {
    resolveToken(token: string): Promise<IngestProject | null>
    /** Project folders whose tokens ingest may accept (the open one and recent ones). */
    candidates(): Promise<string[]>
    /** An SDK read of a project's object store (an ingest worker asks for it). */
    read(dir: string, operation: IngestReadOperation, request: unknown): Promise<unknown>
    /** Spans an ingest worker stored: announce them (`traces.added`). */
    spansArrived(dir: string, traceIds: readonly string[], count: number): void
    /** The host started (or failed to start) its ingest server. */
    setStatus(status: { url: string | null; error: string | null }): void
  }
  /** Releases resources (watchers, databases). */
  close(): Promise<void>
}

/** How long span arrivals are gathered into one `traces.added` event. */
const TRACE_EVENT_DELAY_MS = 200
/** Trace ids one `traces.added` event lists at most. */
const TRACE_EVENT_IDS = 200

/** Builds the workbench for one host process. */
export function createWorkbench(options: WorkbenchOptions): Workbench {
  const hub = new EventHub()
  const recent = new RecentProjects(options.userDataDir)
  const cwd = options.cwd ?? process.cwd()
  const templateDir = options.sampleTemplateDir ?? path.join(packageRoot(), 'resources', 'sample-project')
  const now = options.now ?? (() => new Date())
  let project: ProjectInfo | null = null

  const emit = <E extends EventName>(event: E, payload: EventOf<E>) => hub.emit(event, payload)

  let stopWatching = () => {}

  const watch = (dir: string) => {
    stopWatching()
    stopWatching = watchProject(dir, async (changes) => {
      if (changes.kinds.length > 0) emit('objects.changed', { kinds: changes.kinds })
      if (changes.projectInfo && project?.dir === dir) {
        try {
          const fresh = await inspectProject(dir)
          // The user may have switched projects while we were reading.
          if (project?.dir !== dir) return
          project = fresh
          emit('project.changed', { project })
        } catch {
          // weft.yaml mid-edit may be invalid; the next change re-reads it.
        }
      }
    })
  }

  const setProject = async (next: ProjectInfo): Promise<ProjectInfo> => {
    // A command-line workbench lives for one command: nobody is there to see a change on disk.
    if (project?.dir !== next.dir && options.host !== 'cli') watch(next.dir)
    project = next
    if (next.status === 'ready') await recent.remember({ dir: next.dir, name: next.name }, now())
    emit('project.changed', { project: next })
    return next
  }

  let store: ObjectStore | null = null
  let storeOpening: Promise<ObjectStore> | null = null

  /** The open project's object store, opened on first use and reopened when the project changes. */
  const requireStore = async (): Promise<ObjectStore> => {
    const { dir } = requireProject()
    if (store?.dir === dir) return store
    if (!storeOpening) {
      store?.close()
      store = null
      storeOpening = openObjectStore({ dir, canonicalize, now }).finally(() => (storeOpening = null))
    }
    const opened = await storeOpening
    store = opened
    return opened
  }

  let maintaining: Promise<unknown> | null = null
  /** isomorphic-git never packs: after writes, pack in the background once loose objects pile up. */
  const maintainSoon = (dir: string) => {
    if (maintaining || options.autoMaintain === false) return
    maintaining = needsMaintenance({ dir, threshold: options.maintenanceThreshold })
      .then((needed) => (needed ? maintainRepository({ dir }) : null))
      .catch((error) => console.error(`weft: repository maintenance of ${dir} failed:`, (error as Error).message))
      .finally(() => (maintaining = null))
  }

  const storeChanged = async (kinds: ObjectKind[] | 'all') => {
    emit('objects.changed', { kinds: kinds === 'all' ? [...OBJECT_KINDS] : kinds })
    if (project) maintainSoon(project.dir)
    if (!project) return
    const fresh = await inspectProject(project.dir).catch(() => null)
    if (fresh && project?.dir === fresh.dir) {
      project = fresh
      emit('project.changed', { project })
    }
  }

  const requireProject = (): ProjectInfo => {
    if (!project) throw new WeftError('NO_PROJECT_OPEN', 'No project is open. Open a folder or create a project first.')
    if (project.status !== 'ready') {
      throw new WeftError('NOT_A_PROJECT', `${project.dir} is not a Weft project yet; initialise it first`)
    }
    return project
  }

  // Keys: the environment first (CLI, web mode, CI), then the desktop's keychain.
  const envSecrets = envSecretSource()
  const keychain = options.services?.keychain
  const secrets = options.secrets ?? chainSecretSources(envSecrets, keychain ? (name) => keychain.get(name) : undefined)

  // Apps trace into any project this process knows, not only the open one.
  const otherStores = new Map<string, Promise<ObjectStore>>()
  const storeFor = (dir: string): Promise<ObjectStore> => {
    if (project?.dir === dir && project.status === 'ready') return requireStore()
    let opened = otherStores.get(dir)
    if (!opened) {
      opened = openObjectStore({ dir, canonicalize, now })
      otherStores.set(dir, opened)
      opened.catch(() => otherStores.delete(dir))
    }
    return opened
  }
  /** An SDK read: the store operation's own validation and errors, on that project's store. */
  const readForIngest = async (dir: string, operation: IngestReadOperation, request: unknown): Promise<unknown> => {
    const readers = createStoreHandlers({ store: () => storeFor(dir), changed: async () => {} })
    return operation === 'objects.get'
      ? readers['objects.get'](parseRequest('objects.get', request))
      : readers['prompts.render'](parseRequest('prompts.render', request))
  }
  const pendingSpans = new Map<string, { traceIds: Set<string>; spans: number }>()
  let spanTimer: NodeJS.Timeout | null = null
  const flushSpanEvents = () => {
    spanTimer = null
    for (const [dir, pending] of pendingSpans) {
      emit('traces.added', { dir, traceIds: [...pending.traceIds].slice(0, TRACE_EVENT_IDS), spans: pending.spans })
    }
    pendingSpans.clear()
  }
  const announceSpans = (dir: string, traceIds: readonly string[], count: number) => {
    let pending = pendingSpans.get(dir)
    if (!pending) pendingSpans.set(dir, (pending = { traceIds: new Set(), spans: 0 }))
    pending.spans += count
    for (const id of traceIds) if (pending.traceIds.size < TRACE_EVENT_IDS) pending.traceIds.add(id)
    spanTimer ??= setTimeout(flushSpanEvents, TRACE_EVENT_DELAY_MS)
  }
  const ingestCandidates = async () => [...new Set([...(project?.status === 'ready' ? [project.dir] : []), ...(await recent.list()).map((p) => p.dir)])]
  const traceProjects = new TraceProjects({ read: readForIngest, candidates: ingestCandidates, spansAdded: announceSpans, indexInBackground: options.host !== 'cli' })
  let ingestStatus: { url: string | null; error: string | null } = { url: null, error: 'This host does not run an ingest server' }

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'Weft' as const,
      version: options.version ?? '0.0.0',
      host: options.host,
      platform: process.platform,
      capabilities: { pickDirectory: Boolean(options.services?.pickDirectory), pickFile: Boolean(options.services?.pickFile) },
    }),
    'app.pickDirectory': async ({ title }) => {
      const pick = options.services?.pickDirectory
      if (!pick) throw new WeftError('UNSUPPORTED', 'This host has no folder picker; type the folder path instead')
      return { dir: await pick(title) }
    },
    'app.pickFile': async ({ title, extensions }) => {
      const pick = options.services?.pickFile
      if (!pick) throw new WeftError('UNSUPPORTED', 'This host has no file picker; upload the file instead')
      return { file: await pick(title, extensions) }
    },
    'secrets.status': async ({ names }) => {
      const known = new Set([...Object.values(DEFAULT_KEY_NAMES), ...(names ?? []), ...(keychain ? await keychain.names() : [])])
      const keys = []
      for (const name of [...known].sort()) {
        const source = (await envSecrets(name)) ? ('environment' as const) : keychain && (await keychain.get(name)) ? ('keychain' as const) : null
        keys.push({ name, source })
      }
      return { keychain: Boolean(keychain), keys }
    },
    'secrets.set': async ({ name, value }) => {
      if (!keychain) throw new WeftError('UNSUPPORTED', `Keys are read from environment variables here: set ${name} in the environment of weft`)
      await keychain.set(name, value)
      return { name }
    },
    'secrets.remove': async ({ name }) => {
      if (!keychain) throw new WeftError('UNSUPPORTED', `Keys are read from environment variables here: unset ${name} in the environment of weft`)
      await keychain.remove(name)
      return { name }
    },
    'project.current': async () => ({ project }),
    'project.open': async ({ dir }) => ({ project: await setProject(await inspectProject(resolveDir(dir, cwd))) }),
    'project.init': async ({ dir, name }) => ({ project: await setProject(await initProject(resolveDir(dir, cwd), name, { now })) }),
    'project.clone': async ({ url, dir, token }) => {
      const target = resolveDir(dir, cwd)
      if (fs.existsSync(target) && (await fs.promises.readdir(target)).length > 0) {
        throw new WeftError('ALREADY_EXISTS', `${target} exists and is not empty; clone into a new folder`, [{ path: 'dir', message: 'not empty' }])
      }
      const existed = fs.existsSync(target)
      try {
        await cloneRepository({ dir: target, url, token, userDataDir: options.userDataDir })
      } catch (error) {
        // A failed clone leaves no half-made project behind (retrying needs an empty folder).
        if (existed) await fs.promises.rm(path.join(target, '.git'), { recursive: true, force: true })
        else await fs.promises.rm(target, { recursive: true, force: true })
        throw error
      }
      return { project: await setProject(await inspectProject(target)) }
    },
    'project.openSample': async () => ({ project: await setProject(await ensureSampleProject(templateDir, options.userDataDir, { now })) }),
    'project.recent': async () => ({ projects: await recent.list() }),
    'project.forget': async ({ dir }) => ({ projects: await recent.forget(resolveDir(dir, cwd)) }),
    'objects.read': async ({ kind, name }) => readObject(requireProject().dir, kind, name),
    ...createStoreHandlers({ store: requireStore, changed: storeChanged }),
    ...createRunHandlers({
      store: requireStore,
      emit: (event) => emit('run.delta', event),
      secrets,
      providerOptions: options.providerOptions,
      trace: (dir, spans) => {
        const target = traceProjects.project(dir)
        target.traces.insertSpans(spans)
        target.spansAdded(spans.map((s) => s.traceId), spans.length)
      },
    }),
    ...createTraceHandlers({
      projects: traceProjects,
      projectDir: () => requireProject().dir,
      ingest: () => ingestStatus,
      importDataset: (request) => callRaw('datasets.import', request) as Promise<ResponseOf<'datasets.import'>>,
      emit,
    }),
    ...createEvalHandlers({
      store: requireStore,
      providers: (dir, concurrency) => createProviders({ secrets, projectDir: dir, ...options.providerOptions, ...(concurrency ? { concurrency } : {}) }),
      traces: () => traceProjects.project(requireProject().dir).traces,
      progress: (event) => emit('progress', event),
      evalProgress: (event) => emit('evals.progress', event),
      spansAdded: (dir, traceIds, count) => traceProjects.project(dir).spansAdded(traceIds, count),
      worker: options.evalWorker !== undefined ? options.evalWorker : options.host === 'cli' ? null : evalWorkerFile(),
      secrets,
    }),
    ...createAnnotationHandlers({
      store: requireStore,
      traces: () => traceProjects.project(requireProject().dir).traces,
      changed: storeChanged,
      emit: (event) => emit('annotations.changed', event),
      now,
    }),
    ...createRepoHandlers({
      store: requireStore,
      changed: storeChanged,
      progress: (event) => emit('progress', event),
      cwd,
      userDataDir: options.userDataDir,
    }),
  }

  const callRaw = (name: unknown, request: unknown) => dispatch(handlers, name, request)

  return {
    callRaw,
    call: <N extends OperationName>(name: N, request: RequestOf<N>) => callRaw(name, request) as Promise<ResponseOf<N>>,
    on: (event, listener) => hub.on(event, listener),
    onAny: (listener) => hub.onAny(listener),
    async openInitial({ fallbackToSample = false } = {}) {
      if (options.projectDir) return setProject(await inspectProject(resolveDir(options.projectDir, cwd)))
      for (const entry of await recent.list()) {
        try {
          const info = await inspectProject(entry.dir)
          if (info.status === 'ready') return setProject(info)
        } catch {
          // A moved or deleted project stays in the list (the user may plug the drive back in).
        }
      }
      if (fallbackToSample) return setProject(await ensureSampleProject(templateDir, options.userDataDir, { now }))
      return null
    },
    ingest: {
      resolveToken: (token) => traceProjects.byToken(token),
      candidates: ingestCandidates,
      read: readForIngest,
      spansArrived: announceSpans,
      setStatus(status) {
        ingestStatus = status
      },
    },
    async close() {
      stopWatching()
      if (spanTimer) clearTimeout(spanTimer)
      flushSpanEvents()
      await maintaining
      store?.close()
      store = null
      for (const opened of otherStores.values()) (await opened.catch(() => null))?.close()
      otherStores.clear()
      traceProjects.close()
      closeProjectCaches()
    },
  }
}
