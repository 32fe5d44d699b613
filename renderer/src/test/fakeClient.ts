/** A scripted WorkbenchClient for component tests: canned answers, recorded calls, pushable events. */
import { vi } from 'vitest'
import { EventHub } from '../../../common/client'
import type { EventName, EventOf, OperationName, RequestOf, ResponseOf } from '../../../common/contract'
import { WeftError } from '../../../common/errors'
import type { ObjectEntry, ProjectInfo, RecentProject } from '../../../common/schemas/project'
import type { ConnectionState, RendererClient } from '../api/client'

type Handler<N extends OperationName> = (request: RequestOf<N>) => ResponseOf<N> | Promise<ResponseOf<N>>

/** The fake client plus handles to drive it. */
export interface FakeClient extends RendererClient {
  calls: { name: OperationName; request: unknown }[]
  handle<N extends OperationName>(name: N, handler: Handler<N>): void
  emit<E extends EventName>(event: E, payload: EventOf<E>): void
  setConnection(state: ConnectionState): void
}

/** A ready project named "Support bot". */
export function sampleProject(overrides: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    dir: '/home/me/support-bot',
    name: 'Support bot',
    status: 'ready',
    isGitRepo: true,
    branch: 'main',
    head: '1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d',
    config: { schema: 1, name: 'Support bot', defaults: {} },
    ...overrides,
  }
}

/** Object entries for tests. */
export function entry(kind: ObjectEntry['kind'], name: string, size = 120): ObjectEntry {
  const folder = { prompt: 'prompts', dataset: 'datasets', model: 'models', scorer: 'scorers', evaluation: 'evals', queue: 'queues' }[kind]
  const ext = { prompt: '.prompt', dataset: '.jsonl', model: '.yaml', scorer: '.yaml', evaluation: '.yaml', queue: '.yaml' }[kind]
  return { kind, name, path: `${folder}/${name}${ext}`, size }
}

/** Options for {@link createFakeClient}. */
export interface FakeClientOptions {
  project?: ProjectInfo | null
  recent?: RecentProject[]
  objects?: ObjectEntry[]
  files?: Record<string, string>
  pickDirectory?: boolean
}

/** Builds a fake client whose workbench holds `options`. Unknown calls reject with UNSUPPORTED. */
export function createFakeClient(options: FakeClientOptions = {}): FakeClient {
  const hub = new EventHub()
  const connectionListeners = new Set<(s: ConnectionState) => void>()
  let connection: ConnectionState = 'connected'
  const handlers = new Map<OperationName, Handler<OperationName>>()
  const calls: FakeClient['calls'] = []
  const objects = options.objects ?? []

  const client: FakeClient = {
    transport: 'http',
    calls,
    call: vi.fn(async (name: OperationName, request: unknown) => {
      calls.push({ name, request })
      const handler = handlers.get(name)
      if (!handler) throw new WeftError('UNSUPPORTED', `fake client: no handler for ${name}`)
      return handler(request as never) as never
    }) as unknown as RendererClient['call'],
    on: (event, listener) => hub.on(event, listener),
    connection: () => connection,
    onConnection(listener) {
      connectionListeners.add(listener)
      return () => connectionListeners.delete(listener)
    },
    handle(name, handler) {
      handlers.set(name, handler as unknown as Handler<OperationName>)
    },
    emit: (event, payload) => hub.emit(event, payload),
    setConnection(state) {
      connection = state
      connectionListeners.forEach((l) => l(state))
    },
  }

  client.handle('app.info', () => ({
    name: 'Weft',
    version: '0.1.0',
    host: 'web',
    platform: 'linux',
    capabilities: { pickDirectory: options.pickDirectory ?? false, pickFile: false },
  }))
  client.handle('project.current', () => ({ project: options.project === undefined ? sampleProject() : options.project }))
  client.handle('project.recent', () => ({ projects: options.recent ?? [] }))
  client.handle('objects.list', ({ kind }) => ({
    objects: objects.filter((o) => !kind || o.kind === kind).map((o) => ({ ...o, version: null, modified: false, labels: {} })),
  }))
  client.handle('objects.read', ({ kind, name }) => {
    const found = objects.find((o) => o.kind === kind && o.name === name)
    if (!found) throw new WeftError('NOT_FOUND', `No ${kind} named ${name}`)
    return { object: found, content: options.files?.[found.path] ?? '' }
  })
  // A project with no traces yet, receiving on the default port.
  client.handle('ingest.info', () => ({ url: 'http://127.0.0.1:4319', error: null, token: `weft_${'t'.repeat(32)}`, traceCount: 0 }))
  client.handle('traces.list', () => ({ traces: [], nextCursor: null }))
  client.handle('monitor.query', ({ fromMs, toMs }) => ({
    fromMs, toMs, bucketMs: 60_000, timestamps: [], groupBy: 'none', groups: [], scores: [],
    total: { count: 0, errors: 0, errorRate: null, meanMs: null, p50Ms: null, p95Ms: null, p99Ms: null, inputTokens: 0, outputTokens: 0, costUsd: 0 },
  }))
  client.handle('monitor.ops', () => ({ ops: [], models: [], kinds: [], scores: [] }))
  client.handle('monitor.alerts', () => ({ alerts: [] }))
  client.handle('annotations.queues', () => ({ queues: [] }))
  return client
}
