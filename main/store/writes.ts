/**
 * Every change to the object store: save, restore, rename, delete and label
 * moves. Each runs under the repository's write lock, checks that it is not
 * overwriting something the caller has not seen, and is one commit.
 */
import fs from 'node:fs'
import path from 'node:path'
import git from 'isomorphic-git'
import { WeftError } from '../../common/errors'
import { formatRef, labelNameProblem, type ObjectRef } from '../../common/refs'
import { OBJECT_LAYOUT, type ObjectKind } from '../../common/schemas/project'
import { RENAME_TRAILER } from './indexer'
import { LABELS_FILE, formatLabelEvent, type LabelEvent } from './labels'
import { withWriteLock } from './lock'
import { checkName, type ObjectStore, type ResolvedRef, type SaveResult, type VersionView } from './store'

/** What to save. */
export interface SaveRequest {
  kind: ObjectKind
  name: string
  content: string
  message?: string
  /**
   * The version the caller started from (its digest), or null for "this is a
   * new object". When given and the object has moved on, the save is refused
   * with CONFLICT instead of overwriting someone else's version.
   */
  baseVersion?: string | null
}

async function writeFileAtomic(file: string, content: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.weft-${process.pid}.tmp`
  await fs.promises.writeFile(tmp, content)
  await fs.promises.rename(tmp, file)
}

async function diskDigest(file: string): Promise<string | null> {
  const bytes = await fs.promises.readFile(file).catch(() => null)
  return bytes ? (await git.hashBlob({ object: bytes })).oid : null
}

function shortVersion(store: ObjectStore, kind: ObjectKind, name: string, digest: string | null): string {
  if (!digest) return 'nothing'
  const n = store.index.versionByBlob(kind, name, digest)?.n
  return n ? `v${n}` : digest.slice(0, 7)
}

async function viewOf(store: ObjectStore, kind: ObjectKind, name: string, digest: string, knownHead?: string): Promise<VersionView> {
  const row = store.index.versionByBlob(kind, name, digest)
  if (!row) throw new WeftError('INTERNAL', `Internal error: ${kind}:${name} version ${digest} is not indexed`)
  const head = knownHead ?? (await store.head())
  const labels = [...(await store.labelsOf(kind, name, head))].filter(([, d]) => d === digest).map(([l]) => l)
  return store.view(row, labels, digest)
}

/**
 * Saves one object as a new version: validate and canonicalise, refuse to
 * overwrite a newer version or an unsaved edit made outside Weft, write the
 * file atomically, commit, index. Saving the current content again commits
 * nothing and returns the current version.
 */
export async function saveObject(store: ObjectStore, canonicalize: (kind: ObjectKind, text: string, file: string) => { content: string }, request: SaveRequest): Promise<SaveResult> {
  const { kind, name } = request
  checkName(name)
  return withWriteLock(store.dir, async () => {
    const head = await store.freshHead()
    const { path: filepath, digest: current } = await store.pathOf(kind, name, head)
    const { content } = canonicalize(kind, request.content, filepath)
    const digest = (await git.hashBlob({ object: Buffer.from(content, 'utf8') })).oid
    const ref = `${kind}:${name}`
    if (request.baseVersion !== undefined && request.baseVersion !== current) {
      throw new WeftError(
        'CONFLICT',
        request.baseVersion === null
          ? `${ref} already exists (${shortVersion(store, kind, name, current)}); open it instead of creating it again`
          : `${ref} changed since you started editing (${shortVersion(store, kind, name, request.baseVersion)} → ${shortVersion(store, kind, name, current)}); your text is not saved — compare and save again`,
        [{ path: 'baseVersion', message: 'not the current version' }],
      )
    }
    const file = path.join(store.dir, filepath)
    const onDisk = await diskDigest(file)
    if (onDisk !== null && onDisk !== current && onDisk !== digest) {
      throw new WeftError(
        'CONFLICT',
        `${filepath} was changed outside Weft and not saved; open it to keep or discard that edit before saving over it`,
        [{ path: 'content', file: filepath, message: 'the file on disk has unsaved changes' }],
      )
    }
    if (digest === current) return { version: await viewOf(store, kind, name, digest), commit: null, created: false }
    await writeFileAtomic(file, content)
    const verb = current ? 'Update' : 'Add'
    const commit = await store.commit({ add: [filepath] }, request.message?.trim() || `${verb} ${ref}`, head)
    return { version: await viewOf(store, kind, name, digest, commit), commit, created: true }
  })
}

/** Makes an old version current again (a new commit whose content is that version). */
export async function restoreObject(store: ObjectStore, ref: ObjectRef, message?: string): Promise<SaveResult> {
  const { resolved, content } = await store.read(ref)
  return withWriteLock(store.dir, async () => {
    const head = await store.freshHead()
    const { path: filepath, digest: current } = await store.pathOf(resolved.kind, resolved.name, head)
    if (current === resolved.digest) return { version: await viewOf(store, resolved.kind, resolved.name, current), commit: null, created: false }
    const onDisk = await diskDigest(path.join(store.dir, filepath))
    if (onDisk !== null && onDisk !== current) {
      throw new WeftError('CONFLICT', `${filepath} was changed outside Weft and not saved; keep or discard that edit first`)
    }
    await writeFileAtomic(path.join(store.dir, filepath), content)
    const label = resolved.n ? `v${resolved.n}` : resolved.digest.slice(0, 7)
    const commit = await store.commit({ add: [filepath] }, message?.trim() || `Restore ${resolved.kind}:${resolved.name} ${label}`)
    return { version: await viewOf(store, resolved.kind, resolved.name, resolved.digest), commit, created: true }
  })
}

/** Renames an object; its versions (and their numbers) carry over to the new name. */
export async function renameObject(store: ObjectStore, kind: ObjectKind, from: string, to: string): Promise<{ commit: string }> {
  checkName(from, 'from')
  checkName(to, 'to')
  return withWriteLock(store.dir, async () => {
    const head = await store.freshHead()
    const source = await store.pathOf(kind, from, head)
    if (!source.digest) throw new WeftError('NOT_FOUND', `No ${kind} named "${from}"`, [{ path: 'from', message: 'does not exist' }])
    const target = await store.pathOf(kind, to, head)
    if (target.digest || fs.existsSync(path.join(store.dir, target.path))) {
      throw new WeftError('ALREADY_EXISTS', `${kind}:${to} already exists`, [{ path: 'to', message: 'already exists' }])
    }
    const ext = path.extname(source.path)
    const targetPath = `${OBJECT_LAYOUT[kind].folder}/${to}${ext}`
    const onDisk = await diskDigest(path.join(store.dir, source.path))
    if (onDisk !== null && onDisk !== source.digest) throw new WeftError('CONFLICT', `${source.path} has unsaved changes made outside Weft; save or discard them first`)
    await fs.promises.rename(path.join(store.dir, source.path), path.join(store.dir, targetPath))
    // Labels follow the object, in the same commit: each moves off the old name and onto the new one.
    const labels = [...(await store.labelsOf(kind, from, head))]
    const labelMoves = labels.flatMap(([label, digest]) => [
      { object: `${kind}:${from}`, label, from: digest, to: null },
      { object: `${kind}:${to}`, label, from: null, to: digest },
    ])
    const labelFile = labelMoves.length ? [await writeLabelEvents(store, head, labelMoves)] : []
    const commit = await store.commit(
      { add: [targetPath, ...labelFile], remove: [source.path] },
      `Rename ${kind}:${from} to ${kind}:${to}\n\n${RENAME_TRAILER}: ${kind}:${from} -> ${kind}:${to}\n`,
    )
    return { commit }
  })
}

/** Deletes an object from the working tree and HEAD; its versions stay readable by reference. */
export async function deleteObject(store: ObjectStore, kind: ObjectKind, name: string): Promise<{ commit: string }> {
  checkName(name)
  return withWriteLock(store.dir, async () => {
    const head = await store.freshHead()
    const { path: filepath, digest } = await store.pathOf(kind, name, head)
    if (!digest) throw new WeftError('NOT_FOUND', `No ${kind} named "${name}"`, [{ path: 'name', message: 'does not exist' }])
    const onDisk = await diskDigest(path.join(store.dir, filepath))
    if (onDisk !== null && onDisk !== digest) throw new WeftError('CONFLICT', `${filepath} has unsaved changes made outside Weft; save or discard them first`)
    await fs.promises.rm(path.join(store.dir, filepath), { force: true })
    return { commit: await store.commit({ remove: [filepath] }, `Delete ${kind}:${name}`) }
  })
}

/** Writes labels.jsonl with `added` events appended to the committed log; returns the path to commit. */
async function writeLabelEvents(store: ObjectStore, head: string, added: Array<Omit<LabelEvent, 'at' | 'by'>>): Promise<string> {
  const events = await store.labelEvents(head)
  const author = await store.author()
  const at = store.time().toISOString()
  const by = `${author.name} <${author.email}>`
  // Rewrite from the committed log (not the disk copy) so a stray edit on disk is never committed by accident.
  const text = [...events.map(formatLabelEvent), ...added.map((e) => formatLabelEvent({ at, by, ...e }))].join('\n') + '\n'
  await writeFileAtomic(path.join(store.dir, LABELS_FILE), text)
  return LABELS_FILE
}

async function appendLabelEvent(store: ObjectStore, event: Omit<LabelEvent, 'at' | 'by'>, message: string): Promise<string> {
  const head = await store.freshHead()
  return store.commit({ add: [await writeLabelEvents(store, head, [event])] }, message)
}

/** Points `label` at the version `ref` resolves to (moving it if set elsewhere). */
export async function setLabel(store: ObjectStore, ref: ObjectRef, label: string): Promise<{ resolved: ResolvedRef; previous: string | null; commit: string | null }> {
  const problem = labelNameProblem(label)
  if (problem) throw new WeftError('INVALID_REQUEST', `Invalid label "${label}": ${problem}`, [{ path: 'label', message: problem }])
  const resolved = await store.resolve(ref)
  return withWriteLock(store.dir, async () => {
    const head = await store.freshHead()
    const previous = (await store.labelsOf(resolved.kind, resolved.name, head)).get(label) ?? null
    if (previous === resolved.digest) return { resolved, previous, commit: null }
    const object = `${resolved.kind}:${resolved.name}`
    const to = resolved.n ? `v${resolved.n}` : resolved.digest.slice(0, 7)
    const from = previous ? ` (was ${shortVersion(store, resolved.kind, resolved.name, previous)})` : ''
    const commit = await appendLabelEvent(store, { object, label, from: previous, to: resolved.digest }, `Label ${object} ${label} → ${to}${from}`)
    return { resolved, previous, commit }
  })
}

/** Removes a label from an object. */
export async function removeLabel(store: ObjectStore, kind: ObjectKind, name: string, label: string): Promise<{ previous: string; commit: string }> {
  checkName(name)
  return withWriteLock(store.dir, async () => {
    const head = await store.freshHead()
    const previous = (await store.labelsOf(kind, name, head)).get(label)
    if (!previous) throw new WeftError('NOT_FOUND', `${kind}:${name} has no label "${label}"`, [{ path: 'label', message: 'not set' }])
    const object = `${kind}:${name}`
    const commit = await appendLabelEvent(store, { object, label, from: previous, to: null }, `Remove label ${label} from ${object} (was ${shortVersion(store, kind, name, previous)})`)
    return { previous, commit }
  })
}

/** Every move of the object's labels, oldest first: who moved what, when, from which version. */
export async function labelHistory(store: ObjectStore, kind: ObjectKind, name: string): Promise<Array<LabelEvent & { fromN: number | null; toN: number | null }>> {
  const object = formatRef({ kind, name })
  const n = (digest: string | null) => (digest ? (store.index.versionByBlob(kind, name, digest)?.n ?? null) : null)
  return (await store.labelEvents()).filter((e) => e.object === object).map((e) => ({ ...e, fromN: n(e.from), toN: n(e.to) }))
}

/**
 * Saves a file already written in canonical form (a dataset import's output,
 * which may be hundreds of MB and is never held as one string) as a new
 * version, with the same checks as {@link saveObject}. The file is moved into
 * place; on refusal it is deleted and the project is untouched.
 */
export async function savePreparedFile(
  store: ObjectStore,
  request: { kind: ObjectKind; name: string; file: string; message?: string; baseVersion?: string | null },
): Promise<SaveResult> {
  const { kind, name } = request
  checkName(name)
  try {
    return await withWriteLock(store.dir, async () => {
      const head = await store.freshHead()
      const { path: filepath, digest: current } = await store.pathOf(kind, name, head)
      const digest = await diskDigest(request.file)
      if (!digest) throw new WeftError('NOT_FOUND', `The prepared file ${request.file} is missing`)
      const ref = `${kind}:${name}`
      if (request.baseVersion !== undefined && request.baseVersion !== current) {
        throw new WeftError('CONFLICT', `${ref} changed since you started (${shortVersion(store, kind, name, request.baseVersion)} → ${shortVersion(store, kind, name, current)}); nothing was imported`, [
          { path: 'baseVersion', message: 'not the current version' },
        ])
      }
      const target = path.join(store.dir, filepath)
      const onDisk = await diskDigest(target)
      if (onDisk !== null && onDisk !== current && onDisk !== digest) {
        throw new WeftError('CONFLICT', `${filepath} was changed outside Weft and not saved; keep or discard that edit before importing over it`)
      }
      if (digest === current) return { version: await viewOf(store, kind, name, digest), commit: null, created: false }
      await fs.promises.mkdir(path.dirname(target), { recursive: true })
      await fs.promises.rename(request.file, target)
      const commit = await store.commit({ add: [filepath] }, request.message?.trim() || `${current ? 'Update' : 'Add'} ${ref}`)
      return { version: await viewOf(store, kind, name, digest), commit, created: true }
    })
  } finally {
    await fs.promises.rm(request.file, { force: true })
  }
}
