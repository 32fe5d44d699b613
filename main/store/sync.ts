/**
 * Sharing a project through any git remote over http(s): remotes, clone,
 * fetch, pull (fast-forward, else a real three-way merge) and push. Tokens
 * come from the credential store, never from .git/config or the URL. A pull
 * that conflicts changes nothing: it reports both sides and keeps theirs at
 * `refs/weft/pull/theirs`. `labels.jsonl` is an append-only log, merged as a
 * union of lines instead of conflicting.
 */
import git, { Errors } from 'isomorphic-git'
import type { HttpClient } from 'isomorphic-git'
import type * as Jsdiff from 'diff'
import { WeftError, type ErrorCode } from '../../common/errors'
import { resolveAuthor, type Author } from '../project/git'
import { assertNoOverwrite, lockFor, runUnlocked, upstreamOf, validateBranchName, type WriteLock } from './branches'
import { LABELS_FILE } from './labels'
import { getCredential, redactUrl, setToken, stripCredentials, type Credential, type CredentialStoreOptions } from './credentials'
// Atomic writes: a process killed mid-fetch or mid-merge never leaves an empty index, ref or object.
import { crashSafeFs as fs } from './maintenance'
import { once } from '../../common/once'
import { lazyRequire } from '../lazyRequire'

// Loaded on first use, not at start-up (the CLI pays for every import before any command runs):
// the git HTTP transport (~15 ms) only for clone, fetch and push; jsdiff (~10-15 ms) only for a merge.
const loadHttp = once(() => import('isomorphic-git/http/node'))
const loadJsdiff = lazyRequire<typeof Jsdiff>('diff')

/** Where the fetched side of the last unfinished pull is kept, for the UI to diff against. */
export const PULL_THEIRS_REF = 'refs/weft/pull/theirs'

// errors.ts has no code for "the network failed"; one place to change if one is added.
const NETWORK_ERROR: ErrorCode = 'NETWORK'
// Socket, DNS and TLS failures; local fs codes such as ENOENT are not the network's fault.
const NETWORK_CODES = /^(ECONN\w+|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|ERR_TLS_\w+|CERT_\w+|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/

/** Options every remote operation takes: the project, where tokens are, and the write lock. */
export interface RemoteOptions extends CredentialStoreOptions {
  dir: string
  remote?: string
  lock?: WriteLock
}

/** Adds remote `name`; credentials in the URL (or `token`) go to the credential store, never to .git/config. */
export async function addRemote(options: CredentialStoreOptions & { dir: string; name: string; url: string; token?: string; lock?: WriteLock }) {
  const { dir, name } = options
  validateRemoteName(name)
  const url = stripCredentials(options.url).url
  return lockFor(options.dir, options.lock)(async () => {
    if ((await git.listRemotes({ fs, dir })).some((r) => r.remote === name)) {
      throw new WeftError('ALREADY_EXISTS', `A remote named "${name}" already exists`, [{ path: 'name', message: 'already exists' }])
    }
    const { credential } = credentialsInUrl(options)
    if (credential) await setToken({ ...options, url, ...credential })
    await git.addRemote({ fs, dir, remote: name, url })
    return { name, url }
  })
}

/** The remotes, with whether a token is stored for each (when a credential store is given). */
export async function listRemotes(options: CredentialStoreOptions & { dir: string }): Promise<{ name: string; url: string; hasToken?: boolean }[]> {
  const canCheck = Boolean(options.userDataDir || options.storage)
  const remotes = []
  for (const { remote, url } of await git.listRemotes({ fs, dir: options.dir })) {
    const hasToken = canCheck ? Boolean(await getCredential({ ...options, url }).catch(() => null)) : undefined
    remotes.push({ name: remote, url: redactUrl(url), ...(hasToken === undefined ? {} : { hasToken }) })
  }
  return remotes
}

/** Removes remote `name` and its remote-tracking branches (its token stays: other remotes may share the origin). */
export async function removeRemote(options: { dir: string; name: string; lock?: WriteLock }): Promise<void> {
  const { dir, name } = options
  await lockFor(options.dir, options.lock)(async () => {
    await remoteUrl(dir, name)
    for (const branch of await git.listBranches({ fs, dir, remote: name })) {
      await git.deleteRef({ fs, dir, ref: `refs/remotes/${name}/${branch}` }).catch(() => {})
    }
    await git.deleteRemote({ fs, dir, remote: name })
  })
}

/** Clones `url` into `dir`; the token (given, or in the URL) is stored once the remote has accepted it. */
export async function cloneRepository(options: CredentialStoreOptions & { dir: string; url: string; token?: string; branch?: string }) {
  const { url, credential } = credentialsInUrl(options)
  const stored = credential ?? (await storedCredential(options, url))
  const clone = (ref?: string) =>
    network('origin', url, stored, (auth, http) => git.clone({ fs, http, dir: options.dir, url, singleBranch: false, ...(ref ? { ref } : {}), ...auth }))
  try {
    await clone(options.branch)
  } catch (error) {
    // A bare repository made with `git init --bare` keeps HEAD on its unborn default branch even
    // after another branch is pushed; isomorphic-git then cannot tell what to check out.
    // Ask for the branches and take main (or the only/first one), as git does when it warns.
    if (options.branch || !(error instanceof WeftError && error.code === 'NOT_FOUND' && / has no HEAD$/.test(error.message))) throw error
    const info = await network('origin', url, stored, (auth, http) => git.getRemoteInfo({ http, url, ...auth }))
    const heads = Object.keys(info.refs?.heads ?? {})
    const branch = heads.includes('main') ? 'main' : heads.includes('master') ? 'master' : heads[0]
    if (!branch) throw new WeftError('NOT_FOUND', `The remote "origin" (${redactUrl(url)}) has no branches yet; push to it first`)
    // Clone by hand: init, fetch that branch (tolerating the same HEAD failure), check it out.
    const dir = options.dir
    await git.init({ fs, dir, defaultBranch: branch })
    await git.addRemote({ fs, dir, remote: 'origin', url })
    try {
      await network('origin', url, stored, (auth, http) => git.fetch({ fs, http, dir, remote: 'origin', ref: branch, singleBranch: true, tags: false, ...auth }))
    } catch (fetchError) {
      if (!(fetchError instanceof WeftError && / has no HEAD$/.test(fetchError.message))) throw fetchError
    }
    const oid = await git.resolveRef({ fs, dir, ref: `refs/remotes/origin/${branch}` }).catch(() => null)
    if (!oid) {
      await fs.promises.rm(`${dir}/.git`, { recursive: true, force: true })
      throw new WeftError('NOT_FOUND', `Could not fetch branch ${branch} from ${redactUrl(url)}`)
    }
    await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: oid, force: true })
    await git.setConfig({ fs, dir, path: `branch.${branch}.remote`, value: 'origin' })
    await git.setConfig({ fs, dir, path: `branch.${branch}.merge`, value: `refs/heads/${branch}` })
    await git.checkout({ fs, dir, ref: branch, force: true })
  }
  if (credential) await setToken({ ...options, url, ...credential })
  return { dir: options.dir, branch: (await git.currentBranch({ fs, dir: options.dir })) ?? null }
}

/**
 * Splits a URL the user gave into the clean URL and a credential (`token` wins over
 * one in the URL). `https://TOKEN@host/…` (GitHub's form) carries the token as the user name.
 */
function credentialsInUrl(options: { url: string; token?: string }): { url: string; credential: Credential | null } {
  const { url, username, password } = stripCredentials(options.url)
  const token = options.token ?? password ?? username
  return { url, credential: token ? { token, ...(username && password ? { username } : {}) } : null }
}

async function storedCredential(store: CredentialStoreOptions, url: string): Promise<Credential | null> {
  return store.userDataDir || store.storage ? getCredential({ ...store, url }) : null
}

/** Fetches `branch` (default: every branch) of the remote into refs/remotes/; returns the fetched tip. */
export async function fetchRemote(options: RemoteOptions & { branch?: string }): Promise<{ remote: string; oid: string | null }> {
  const remote = options.remote ?? 'origin'
  if (options.branch) validateBranchName(options.branch, 'branch')
  const url = await remoteUrl(options.dir, remote)
  return lockFor(options.dir, options.lock)(async () => {
    try {
      const result = await network(remote, url, await storedCredential(options, url), (auth, http) =>
        git.fetch({ fs, http, dir: options.dir, remote, tags: false, ...(options.branch ? { ref: options.branch, singleBranch: true } : {}), ...auth }),
      )
      return { remote, oid: result.fetchHead ?? null }
    } catch (error) {
      // isomorphic-git fails after fetching when the remote's HEAD points at an unborn branch (a fresh
      // `git init --bare` with another branch pushed); the branch asked for was fetched all the same.
      if (!options.branch || !(error instanceof WeftError && error.code === 'NOT_FOUND' && / has no HEAD$/.test(error.message))) throw error
      const oid = await git.resolveRef({ fs, dir: options.dir, ref: `refs/remotes/${remote}/${options.branch}` }).catch(() => null)
      return { remote, oid }
    }
  })
}

/** One file both sides changed; blob oids (null = absent on that side), readable with readBlob. */
export interface PullConflict {
  path: string
  kind: 'both-modified' | 'deleted-by-us' | 'deleted-by-them'
  ours: string | null
  theirs: string | null
  base: string | null
}

/** What a pull did. On `conflict` nothing changed: HEAD, index and work tree are as before. */
export type PullResult =
  | { status: 'up-to-date'; head: string | null }
  | { status: 'fast-forward'; head: string; previous: string | null }
  | { status: 'merged'; head: string; previous: string; theirs: string }
  | { status: 'conflict'; head: string; theirs: string; files: PullConflict[] }

/**
 * Fetches `branch` of the remote (default: the current branch's upstream, else its name)
 * and brings it into the current branch: fast-forward when possible, else a merge commit.
 * Refuses (CONFLICT) when uncommitted work would be overwritten.
 */
export async function pull(
  options: RemoteOptions & { branch?: string; author?: Author; now?: () => Date; allowUnrelatedHistories?: boolean },
): Promise<PullResult> {
  const { dir } = options
  const remote = options.remote ?? 'origin'
  const current = await git.currentBranch({ fs, dir })
  if (!current) throw new WeftError('CONFLICT', 'HEAD is detached; switch to a branch before pulling')
  const upstream = await upstreamOf(dir, current)
  const branch = options.branch ?? (upstream?.remote === remote ? upstream.ref.slice(`refs/remotes/${remote}/`.length) : current)
  // The network part runs outside the write lock, so saves are not held up by a slow remote:
  // fetching only adds objects and moves refs/remotes/*, which no save touches.
  const fetched = await fetchRemote({ ...options, remote, branch, lock: runUnlocked })
  return lockFor(options.dir, options.lock)(async () => {
    if ((await git.currentBranch({ fs, dir })) !== current) throw new WeftError('CONFLICT', `The branch changed while ${remote} was being fetched; pull again`)
    if (!fetched.oid) return { status: 'up-to-date', head: await headOrNull(dir) } // the remote is empty
    const theirs = await git.resolveRef({ fs, dir, ref: `refs/remotes/${remote}/${branch}` })
    await trackUpstream(dir, current, remote, branch)
    const ours = await headOrNull(dir)
    const done = async <R extends PullResult>(result: R) => {
      await git.deleteRef({ fs, dir, ref: PULL_THEIRS_REF }).catch(() => {})
      return result
    }
    // One merge-base walk answers both questions (isDescendent would walk all of history when they diverged).
    const bases = ours ? await git.findMergeBase({ fs, dir, oids: [ours, theirs] }) : []
    if (ours === theirs || bases.includes(theirs)) return done({ status: 'up-to-date', head: ours })
    await git.writeRef({ fs, dir, ref: PULL_THEIRS_REF, value: theirs, force: true })
    const action = `Pulling ${remote}/${branch}`
    if (!ours || bases.includes(ours)) {
      await moveBranch(dir, current, ours, theirs, action)
      return done({ status: 'fast-forward', head: theirs, previous: ours })
    }
    await assertNoOverwrite(dir, ours, theirs, action)
    const author = options.author ?? (await resolveAuthor(dir))
    const date = (options.now ?? (() => new Date()))()
    const signature = { ...author, timestamp: Math.floor(date.getTime() / 1000), timezoneOffset: date.getTimezoneOffset() }
    let merged: string
    try {
      const result = await git.merge({
        fs,
        dir,
        ours: current,
        theirs: PULL_THEIRS_REF,
        noUpdateBranch: true, // the work tree is updated first, then the branch moves
        message: `Merge ${remote}/${branch} into ${current}`,
        author: signature,
        committer: signature,
        mergeDriver: await labelAwareDriver(dir, ours, theirs),
        allowUnrelatedHistories: options.allowUnrelatedHistories ?? false,
      })
      merged = result.oid!
    } catch (error) {
      if (error instanceof Errors.MergeConflictError) {
        return { status: 'conflict', head: ours, theirs, files: await describeConflicts(dir, ours, theirs, error.data) }
      }
      if (error instanceof Errors.MergeNotSupportedError) {
        throw new WeftError('CONFLICT', bases.length === 0
          ? `${remote}/${branch} shares no history with ${current}; pull with allowUnrelatedHistories if it really is the same project`
          : `${remote}/${branch} and ${current} cannot be merged automatically (criss-cross history or a file replaced by a folder)`)
      }
      throw error
    }
    await moveBranch(dir, current, ours, merged, action)
    return done({ status: 'merged', head: merged, previous: ours, theirs })
  })
}

/** Pushes `branch` (default: current) to the remote; a non-fast-forward is refused with "pull first". */
export async function push(options: RemoteOptions & { branch?: string }): Promise<{ status: 'pushed' | 'up-to-date'; head: string }> {
  const { dir } = options
  const remote = options.remote ?? 'origin'
  const branch = options.branch ?? (await git.currentBranch({ fs, dir }))
  if (!branch) throw new WeftError('CONFLICT', 'HEAD is detached; switch to a branch before pushing')
  validateBranchName(branch, 'branch')
  const url = await remoteUrl(dir, remote)
  return lockFor(options.dir, options.lock)(async () => {
    const head = await git.resolveRef({ fs, dir, ref: `refs/heads/${branch}` })
    const before = await git.resolveRef({ fs, dir, ref: `refs/remotes/${remote}/${branch}` }).catch(() => null)
    const pullFirst = () =>
      new WeftError('CONFLICT', `The remote "${remote}" has commits on ${branch} that this project does not have yet: pull first, then push`)
    try {
      await network(remote, url, await storedCredential(options, url), (auth, http) => git.push({ fs, http, dir, remote, ref: branch, remoteRef: branch, ...auth }))
    } catch (error) {
      if (error instanceof Errors.PushRejectedError) throw pullFirst()
      if (error instanceof Errors.GitPushError) {
        if (/non-fast-forward|fetch first|stale info/i.test(error.data.prettyDetails)) throw pullFirst()
        throw new WeftError('CONFLICT', `The remote "${remote}" refused the push:${error.data.prettyDetails}`)
      }
      throw error
    }
    await trackUpstream(dir, branch, remote, branch)
    return { status: before === head ? 'up-to-date' : 'pushed', head }
  })
}

/** Updates the work tree (refusing to overwrite uncommitted work) and then moves the branch. */
async function moveBranch(dir: string, branch: string, from: string | null, to: string, action: string): Promise<void> {
  await assertNoOverwrite(dir, from, to, action)
  try {
    await git.checkout({ fs, dir, ref: to, noUpdateHead: true, dryRun: true })
    await git.checkout({ fs, dir, ref: to, noUpdateHead: true })
  } catch (error) {
    if (error instanceof Errors.CheckoutConflictError) {
      throw new WeftError('CONFLICT', `${action} would overwrite uncommitted changes to ${error.data.filepaths.join(', ')}; save or discard them first`)
    }
    throw error
  }
  // After the work tree: a crash in between shows the pulled changes as unsaved edits, never loses any.
  await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: to, force: true })
}

/** A merge driver: line-level three-way merge, and a union for the root labels.jsonl. */
async function labelAwareDriver(dir: string, ours: string, theirs: string) {
  // isomorphic-git passes only the base name, so the root log is recognised by its blob ids.
  const [ourLabels, theirLabels] = await Promise.all([blobAt(dir, ours, LABELS_FILE), blobAt(dir, theirs, LABELS_FILE)])
  return async ({ contents, path }: { contents: string[]; path: string }) => {
    const [base = '', mine = '', other = ''] = contents
    if (path === LABELS_FILE && ourLabels && theirLabels) {
      const [a, b] = await Promise.all([git.hashBlob({ object: mine }), git.hashBlob({ object: other })])
      if (a.oid === ourLabels && b.oid === theirLabels) return { cleanMerge: true, mergedText: unionLabelLines(mine, other) }
    }
    const merged = mergeLines(base, mine, other)
    return merged === null ? { cleanMerge: false, mergedText: mine } : { cleanMerge: true, mergedText: merged }
  }
}

async function describeConflicts(
  dir: string,
  ours: string,
  theirs: string,
  data: { filepaths: string[]; deleteByUs: string[]; deleteByTheirs: string[] },
): Promise<PullConflict[]> {
  const [base] = await git.findMergeBase({ fs, dir, oids: [ours, theirs] })
  return Promise.all(
    data.filepaths.map(async (path) => ({
      path,
      kind: data.deleteByUs.includes(path) ? 'deleted-by-us' : data.deleteByTheirs.includes(path) ? 'deleted-by-them' : 'both-modified',
      ours: await blobAt(dir, ours, path),
      theirs: await blobAt(dir, theirs, path),
      base: base ? await blobAt(dir, base, path) : null,
    })),
  )
}

async function blobAt(dir: string, commit: string, filepath: string): Promise<string | null> {
  try {
    return (await git.readBlob({ fs, dir, oid: commit, filepath })).oid
  } catch {
    return null
  }
}

/** Runs a network operation with the stored token, turning failures into messages that name the remote. */
async function network<T>(remote: string, url: string, credential: Credential | null, run: (auth: AuthCallbacks, http: HttpClient) => Promise<T>): Promise<T> {
  let refused = false
  const where = `"${remote}" (${redactUrl(url)})`
  const { default: http } = await loadHttp()
  try {
    return await run({
      onAuth: () => (credential ? { username: credential.username ?? 'x-access-token', password: credential.token } : { cancel: true }),
      onAuthFailure: () => {
        refused = true
        return { cancel: true }
      },
    }, http)
  } catch (error) {
    if (error instanceof Errors.UserCanceledError || (error instanceof Errors.HttpError && error.data.statusCode === 401)) {
      throw new WeftError('UNAUTHORIZED', refused || credential
        ? `The remote ${where} refused the stored token; set a new token for it`
        : `The remote ${where} needs a token, and none is stored for it`)
    }
    if (error instanceof Errors.HttpError) {
      const { statusCode, statusMessage } = error.data
      if (statusCode === 403) throw new WeftError('FORBIDDEN', `The remote ${where} refused access (403); the token may lack permission`)
      if (statusCode === 404) throw new WeftError('NOT_FOUND', `No git repository at ${where} (404)`)
      throw new WeftError(NETWORK_ERROR, `The remote ${where} answered ${statusCode} ${statusMessage}`)
    }
    if (error instanceof Errors.SmartHttpError) throw new WeftError('NOT_FOUND', `${where} does not look like a git repository`)
    if (error instanceof Errors.NotFoundError) throw new WeftError('NOT_FOUND', `The remote ${where} has no ${error.data.what}`)
    const code = String((error as NodeJS.ErrnoException).code ?? '')
    if (NETWORK_CODES.test(code)) throw new WeftError(NETWORK_ERROR, `Cannot reach the remote ${where}: ${code}`)
    throw error
  }
}

interface AuthCallbacks {
  onAuth: () => { username: string; password: string } | { cancel: true }
  onAuthFailure: () => { cancel: true }
}

async function remoteUrl(dir: string, remote: string): Promise<string> {
  const found = (await git.listRemotes({ fs, dir })).find((r) => r.remote === remote)
  if (!found) throw new WeftError('NOT_FOUND', `No remote named "${remote}"`, [{ path: 'remote', message: 'no such remote' }])
  return found.url
}

async function trackUpstream(dir: string, branch: string, remote: string, remoteBranch: string): Promise<void> {
  if (await git.getConfig({ fs, dir, path: `branch.${branch}.remote` })) return
  await git.setConfig({ fs, dir, path: `branch.${branch}.remote`, value: remote })
  await git.setConfig({ fs, dir, path: `branch.${branch}.merge`, value: `refs/heads/${remoteBranch}` })
}

function validateRemoteName(name: string): void {
  validateBranchName(name)
  if (name.includes('/')) throw new WeftError('INVALID_REQUEST', `"${name}" is not a valid remote name: it may not contain "/"`, [{ path: 'name', message: 'no "/"' }])
}

async function headOrNull(dir: string): Promise<string | null> {
  return git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => null)
}

/**
 * The union of two versions of the append-only label log: every distinct line once,
 * ordered by its `at` field (stable, so equal times keep ours-then-theirs order).
 */
export function unionLabelLines(ours: string, theirs: string): string {
  const lines = [...new Set([...ours.split('\n'), ...theirs.split('\n')].filter((l) => l.trim() !== ''))]
  const at = (line: string): number => {
    try {
      const value = (JSON.parse(line) as { at?: unknown }).at
      const time = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN
      return Number.isNaN(time) ? -Infinity : time // undatable lines go first, in their order
    } catch {
      return -Infinity
    }
  }
  const keyed = lines.map((line) => ({ line, time: at(line) }))
  keyed.sort((a, b) => (a.time === b.time ? 0 : a.time < b.time ? -1 : 1))
  return keyed.map((k) => `${k.line}\n`).join('')
}

/**
 * Line-level three-way merge (diff3): a change made on one side applies; changes
 * on both sides that overlap or touch must be identical, else null (a conflict).
 */
export function mergeLines(base: string, ours: string, theirs: string): string | null {
  const split = (text: string) => text.match(/[^\n]*\n|[^\n]+$/g) ?? []
  const baseLines = split(base)
  const hunks = [...lineHunks(baseLines, split(ours), 0), ...lineHunks(baseLines, split(theirs), 1)].sort((a, b) => a.start - b.start || a.end - b.end)
  const out: string[] = []
  let pos = 0
  for (let i = 0; i < hunks.length; ) {
    const group = [hunks[i]!]
    let end = hunks[i]!.end
    for (i++; i < hunks.length && hunks[i]!.start <= end; i++) {
      group.push(hunks[i]!)
      end = Math.max(end, hunks[i]!.end)
    }
    const start = group[0]!.start
    const sideText = (side: number) => {
      const lines: string[] = []
      let p = start
      for (const h of group.filter((g) => g.side === side)) {
        lines.push(...baseLines.slice(p, h.start), ...h.lines)
        p = h.end
      }
      return [...lines, ...baseLines.slice(p, end)].join('')
    }
    const sides = new Set(group.map((h) => h.side))
    const [a, b] = [sideText(0), sideText(1)]
    if (sides.size === 2 && a !== b) return null
    out.push(...baseLines.slice(pos, start), sides.has(0) ? a : b)
    pos = end
  }
  return [...out, ...baseLines.slice(pos)].join('')
}

/** Replaced base ranges [start, end) and their new lines, from one side's diff against base. */
function lineHunks(base: string[], side: string[], who: number) {
  const hunks: { start: number; end: number; lines: string[]; side: number }[] = []
  let pos = 0
  let open: (typeof hunks)[number] | null = null
  for (const part of loadJsdiff().diffArrays(base, side)) {
    if (!part.added && !part.removed) {
      open = null
      pos += part.value.length
      continue
    }
    if (!open) hunks.push((open = { start: pos, end: pos, lines: [], side: who }))
    if (part.removed) open.end = pos += part.value.length
    else open.lines.push(...part.value)
  }
  return hunks
}
