/**
 * The object store of one project: list, read at any reference, save (a
 * commit), restore, rename, delete, and labels — over git via isomorphic-git,
 * with versions listed from the SQLite index. All writes go through the
 * repository's write lock.
 */
import fs from 'node:fs'
import path from 'node:path'
import git from 'isomorphic-git'
import { gitFs } from './gitFs'
import { WeftError } from '../../common/errors'
import { formatRef, objectNameProblem, parseRef, type ObjectRef } from '../../common/refs'
import { OBJECT_LAYOUT, type ObjectKind } from '../../common/schemas/project'
import { resolveAuthor, type Author } from '../project/git'
import { commitChanges } from './treeCommit'
import { blobAt, commitTree, objectFiles, objectFolders, objectForPath, readBlobText, type GitCache } from './gitRead'
import { catchUp, parseRenames } from './indexer'
import { LABELS_FILE, currentLabels, parseLabels, type LabelEvent } from './labels'
import { VersionIndex, indexPath, type VersionRow } from './versionIndex'

/** Validates and canonicalises an object's text; throws INVALID_FILE saying where. */
export type Canonicalize = (kind: ObjectKind, text: string, file: string) => { content: string }

/** Options for {@link openObjectStore}. */
export interface ObjectStoreOptions {
  dir: string
  canonicalize: Canonicalize
  now?: () => Date
  author?: Author
}

/** A version as the API shows it. */
export interface VersionView {
  n: number
  digest: string
  commit: string
  time: string
  author: string
  email: string
  message: string
  labels: string[]
  /** This is the content at HEAD. */
  current: boolean
}

/** A resolved reference. */
export interface ResolvedRef {
  kind: ObjectKind
  name: string
  digest: string
  /** vN of the digest, when the index knows it. */
  n: number | null
  /** What the selector matched. */
  via: 'latest' | 'ordinal' | 'digest' | 'label' | 'branch'
  ref: string
}

/** An object in the project, as listed. */
export interface StoredObject {
  kind: ObjectKind
  name: string
  path: string
  size: number
  /** The committed version at HEAD, or null for a file never committed. */
  version: { digest: string; n: number | null } | null
  /** The file on disk differs from HEAD (edited outside Weft, not yet saved). */
  modified: boolean
  labels: Record<string, number | null>
}

/** What a save did. */
export interface SaveResult {
  version: VersionView
  /** The new commit, or null when the content equals the current version (nothing to commit). */
  commit: string | null
  created: boolean
}

function toView(row: VersionRow, labels: string[], currentDigest: string | null): VersionView {
  return {
    n: row.n,
    digest: row.blob,
    commit: row.commit,
    time: new Date(row.time * 1000).toISOString(),
    author: row.author,
    email: row.email,
    message: row.message.trim(),
    labels,
    current: row.blob === currentDigest,
  }
}

/** Throws INVALID_REQUEST when `name` cannot be an object name. */
export function checkName(name: string, field = 'name'): void {
  const problem = objectNameProblem(name)
  if (problem) throw new WeftError('INVALID_REQUEST', `Invalid object name "${name}": ${problem}`, [{ path: field, message: problem }])
}

/** Opens (and catches up) the store of the project at `dir`. */
export async function openObjectStore(options: ObjectStoreOptions): Promise<ObjectStore> {
  const store = new ObjectStore(options)
  await store.catchUp()
  return store
}

/** See {@link openObjectStore}. */
export class ObjectStore {
  readonly dir: string
  /** @internal The version index (writes.ts records commits in it). */
  readonly index: VersionIndex
  /** @internal isomorphic-git's read cache for this repository. */
  readonly cache: GitCache = {}
  private readonly now: () => Date
  private labelCache: { blob: string | null; events: LabelEvent[] } | null = null

  constructor(private readonly options: ObjectStoreOptions) {
    this.dir = options.dir
    this.now = options.now ?? (() => new Date())
    this.index = new VersionIndex(indexPath(options.dir))
  }

  /** Indexes commits made outside this store (terminal, pull); returns how many. */
  catchUp(): Promise<number> {
    return catchUp(this.dir, this.index, this.cache)
  }

  /** @internal HEAD's oid; NOT_A_PROJECT before the first commit. */
  async head(): Promise<string> {
    try {
      return await git.resolveRef({ fs: gitFs, dir: this.dir, ref: 'HEAD' })
    } catch {
      throw new WeftError('NOT_A_PROJECT', `${this.dir} has no commits yet; initialise it first`)
    }
  }

  /** HEAD, with the index caught up to it. */
  /** @internal */
  async freshHead(): Promise<string> {
    const head = await this.head()
    if (!this.index.hasCommit(head)) await this.catchUp()
    return head
  }

  /** The object's path at HEAD (keeps a `.yml` file's name), else the default path for new objects. */
  /** @internal */
  async pathOf(kind: ObjectKind, name: string, head: string): Promise<{ path: string; digest: string | null }> {
    const { folder, extensions } = OBJECT_LAYOUT[kind]
    const files = await objectFiles(this.dir, folder, (await objectFolders(this.dir, await commitTree(this.dir, head, this.cache), this.cache)).get(folder), this.cache)
    for (const ext of extensions) {
      const digest = files.get(`${folder}/${name}${ext}`)
      if (digest) return { path: `${folder}/${name}${ext}`, digest }
    }
    for (const ext of extensions) {
      if (fs.existsSync(path.join(this.dir, folder, `${name}${ext}`))) return { path: `${folder}/${name}${ext}`, digest: null }
    }
    return { path: `${folder}/${name}${extensions[0]}`, digest: null }
  }

  /** Label events at HEAD (cached by the labels file's blob id). */
  async labelEvents(head?: string): Promise<LabelEvent[]> {
    const blob = await blobAt(this.dir, head ?? (await this.head()), LABELS_FILE, this.cache)
    if (this.labelCache && this.labelCache.blob === blob) return this.labelCache.events
    const events = blob ? parseLabels(await readBlobText(this.dir, blob, this.cache)) : []
    this.labelCache = { blob, events }
    return events
  }

  /** @internal */
  async labelsOf(kind: ObjectKind, name: string, head: string): Promise<Map<string, string>> {
    return currentLabels(await this.labelEvents(head)).get(`${kind}:${name}`) ?? new Map()
  }

  /** Objects at HEAD and on disk, with their current version, labels and whether the disk copy differs. */
  async list(kind?: ObjectKind): Promise<StoredObject[]> {
    const head = await this.freshHead()
    const folders = await objectFolders(this.dir, await commitTree(this.dir, head, this.cache), this.cache)
    const labels = currentLabels(await this.labelEvents(head))
    const out: StoredObject[] = []
    for (const k of (kind ? [kind] : Object.keys(OBJECT_LAYOUT)) as ObjectKind[]) {
      const { folder, extensions } = OBJECT_LAYOUT[k]
      const committed = await objectFiles(this.dir, folder, folders.get(folder), this.cache)
      const onDisk = await fs.promises.readdir(path.join(this.dir, folder)).catch(() => [] as string[])
      const paths = new Set([...committed.keys(), ...onDisk.filter((f) => extensions.some((e) => f.endsWith(e) && f.length > e.length)).map((f) => `${folder}/${f}`)])
      for (const filepath of [...paths].sort()) {
        const ext = extensions.find((e) => filepath.endsWith(e))!
        const name = filepath.slice(folder.length + 1, -ext.length)
        if (objectNameProblem(name)) continue
        const digest = committed.get(filepath) ?? null
        const stat = await fs.promises.stat(path.join(this.dir, filepath)).catch(() => null)
        const diskDigest = stat ? await this.diskDigest(filepath, stat) : null
        const objectLabels: Record<string, number | null> = {}
        for (const [label, to] of labels.get(`${k}:${name}`) ?? []) objectLabels[label] = this.index.versionByBlob(k, name, to)?.n ?? null
        out.push({
          kind: k,
          name,
          path: filepath,
          size: stat?.size ?? 0,
          version: digest ? { digest, n: this.index.versionByBlob(k, name, digest)?.n ?? null } : null,
          modified: diskDigest !== digest,
          labels: objectLabels,
        })
      }
    }
    return out
  }

  private readonly digestCache = new Map<string, { size: number; mtimeMs: number; ino: number; digest: string }>()

  /**
   * The blob id of a work-tree file, hashed again only when its size, mtime or
   * inode changed (as git's index does) — listing must not re-read every
   * dataset on every call.
   */
  private async diskDigest(filepath: string, stat: fs.Stats): Promise<string> {
    const known = this.digestCache.get(filepath)
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.ino === stat.ino) return known.digest
    const digest = (await git.hashBlob({ object: await fs.promises.readFile(path.join(this.dir, filepath)) })).oid
    this.digestCache.set(filepath, { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, digest })
    return digest
  }

  /** Every distinct content of an object, newest first, with labels and which one is current. */
  async versions(kind: ObjectKind, name: string): Promise<VersionView[]> {
    checkName(name)
    const head = await this.freshHead()
    const current = (await this.pathOf(kind, name, head)).digest
    const labels = await this.labelsOf(kind, name, head)
    const byDigest = new Map<string, string[]>()
    for (const [label, digest] of labels) byDigest.set(digest, [...(byDigest.get(digest) ?? []), label])
    return this.index.versions(kind, name).map((row) => toView(row, byDigest.get(row.blob) ?? [], current))
  }

  /** Resolves `kind:name@selector`; throws NOT_FOUND saying what exists. */
  async resolve(text: string | ObjectRef, defaultKind?: ObjectKind): Promise<ResolvedRef> {
    const ref = typeof text === 'string' ? parseRef(text, defaultKind) : text
    const head = await this.freshHead()
    const { kind, name, selector } = ref
    const found = (digest: string, via: ResolvedRef['via']): ResolvedRef => ({
      kind,
      name,
      digest,
      n: this.index.versionByBlob(kind, name, digest)?.n ?? null,
      via,
      ref: formatRef(ref),
    })
    const missing = (what: string): never => {
      throw new WeftError('NOT_FOUND', `${formatRef(ref)}: ${what}`, [{ path: 'ref', message: what }])
    }
    switch (selector.type) {
      case 'latest': {
        const { digest } = await this.pathOf(kind, name, head)
        return digest ? found(digest, 'latest') : missing(`no ${kind} named "${name}" at HEAD`)
      }
      case 'ordinal': {
        const row = this.index.versionByNumber(kind, name, selector.n)
        return row ? found(row.blob, 'ordinal') : missing(`no version v${selector.n} (${kind}:${name} has ${this.index.versions(kind, name).length})`)
      }
      case 'digest':
      case 'name': {
        const word = selector.type === 'digest' ? selector.prefix : selector.name
        const label = (await this.labelsOf(kind, name, head)).get(word)
        if (label) return found(label, 'label')
        const branch = await git.resolveRef({ fs: gitFs, dir: this.dir, ref: `refs/heads/${word}` }).catch(() => null)
        if (branch) {
          const digest = await blobAt(this.dir, branch, (await this.pathOf(kind, name, branch)).path, this.cache)
          return digest ? found(digest, 'branch') : missing(`no ${kind} named "${name}" on branch ${word}`)
        }
        if (selector.type === 'digest') {
          const rows = this.index.versionsByPrefix(kind, name, selector.prefix)
          if (rows.length > 1) throw new WeftError('INVALID_REQUEST', `${formatRef(ref)}: the digest prefix is ambiguous; give more characters`)
          if (rows[0]) return found(rows[0].blob, 'digest')
        }
        return missing(`no label, branch or version "${word}"`)
      }
    }
  }

  /** The content of a reference. */
  async read(text: string | ObjectRef, defaultKind?: ObjectKind): Promise<{ resolved: ResolvedRef; content: string }> {
    const resolved = await this.resolve(text, defaultKind)
    return { resolved, content: await readBlobText(this.dir, resolved.digest, this.cache) }
  }

  /**
   * @internal Commits the given paths (added, changed or removed in the work
   * tree) and indexes the new commit directly — one commit, no history walk.
   */
  async commit(paths: { add?: string[]; remove?: string[] }, message: string, head?: string): Promise<string> {
    const author = await this.author()
    const done = await commitChanges({ dir: this.dir, cache: this.cache, changes: paths, message, author, now: this.now(), head })
    // We know exactly what changed, so the index is updated without reading anything back.
    const changes = [...done.blobs].flatMap(([filepath, blob]) => {
      const object = objectForPath(filepath)
      return object ? [{ ...object, path: filepath, blob }] : []
    })
    const info = { oid: done.commit, parents: [done.parent], time: done.time, author: author.name, email: author.email, message: done.message }
    this.index.recordCommit(info, changes, parseRenames(done.message))
    return done.commit
  }

  /** @internal The clock. */
  time(): Date {
    return this.now()
  }

  /** @internal The author of this store's commits. */
  async author(): Promise<Author> {
    return this.options.author ?? resolveAuthor(this.dir)
  }

  /** @internal A version row as the API shows it. */
  view(row: VersionRow, labels: string[], current: string | null): VersionView {
    return toView(row, labels, current)
  }

  /** Closes the index. */
  close(): void {
    this.index.close()
  }
}
