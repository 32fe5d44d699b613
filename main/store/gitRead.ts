/**
 * Reading objects out of git history with isomorphic-git: blobs at a path in a
 * commit, and the object files a commit's tree holds. One shared cache object
 * per store, as isomorphic-git advises for repeated reads (big win on packs).
 */
import git from 'isomorphic-git'
import { gitFs } from './gitFs'
import { OBJECT_KINDS, OBJECT_LAYOUT, type ObjectKind } from '../../common/schemas/project'

/** isomorphic-git's read cache; share one per repository. */
export type GitCache = Record<string, unknown>

/** Object kind and name for a project-relative path, or null when the path is not an object file. */
export function objectForPath(filepath: string): { kind: ObjectKind; name: string } | null {
  const slash = filepath.indexOf('/')
  if (slash === -1 || filepath.indexOf('/', slash + 1) !== -1) return null
  const folder = filepath.slice(0, slash)
  const file = filepath.slice(slash + 1)
  for (const kind of OBJECT_KINDS) {
    const layout = OBJECT_LAYOUT[kind]
    if (layout.folder !== folder) continue
    const ext = layout.extensions.find((e) => file.endsWith(e))
    if (ext && file.length > ext.length) return { kind, name: file.slice(0, -ext.length) }
  }
  return null
}

type TreeMap = Map<string, { oid: string; type: string; mode: string }>

// Trees and commits never change under an oid, so their parsed forms are kept
// (bounded) beside isomorphic-git's cache: each isomorphic-git call also
// re-discovers the git dir and re-parses, which dominated cached reads.
const PARSED = Symbol('weft parsed git objects')
const MAX_PARSED = 20_000

function parsedCache(cache: GitCache): Map<string, TreeMap | string> {
  const holder = cache as Record<symbol, Map<string, TreeMap | string>>
  if (!holder[PARSED] || holder[PARSED].size > MAX_PARSED) holder[PARSED] = new Map()
  return holder[PARSED]
}

/** The entries of the tree at `treeOid` (name → { oid, type, mode }); shared — do not modify. */
export async function readTreeMap(dir: string, treeOid: string, cache: GitCache): Promise<TreeMap> {
  const parsed = parsedCache(cache)
  const hit = parsed.get(`t${treeOid}`)
  if (hit) return hit as TreeMap
  const { tree } = await git.readTree({ fs: gitFs, dir, oid: treeOid, cache })
  const map: TreeMap = new Map(tree.map((e) => [e.path, { oid: e.oid, type: e.type, mode: e.mode }]))
  parsed.set(`t${treeOid}`, map)
  return map
}

/** The root tree oid of a commit. */
export async function commitTree(dir: string, commitOid: string, cache: GitCache): Promise<string> {
  const parsed = parsedCache(cache)
  const hit = parsed.get(`c${commitOid}`)
  if (hit) return hit as string
  const tree = (await git.readCommit({ fs: gitFs, dir, oid: commitOid, cache })).commit.tree
  parsed.set(`c${commitOid}`, tree)
  return tree
}

/** The blob id at `filepath` in `commitOid`, or null when the path does not exist there. */
export async function blobAt(dir: string, commitOid: string, filepath: string, cache: GitCache): Promise<string | null> {
  let tree = await commitTree(dir, commitOid, cache)
  const parts = filepath.split('/')
  for (let i = 0; i < parts.length; i++) {
    const entry = (await readTreeMap(dir, tree, cache)).get(parts[i]!)
    if (!entry) return null
    if (i === parts.length - 1) return entry.type === 'blob' ? entry.oid : null
    if (entry.type !== 'tree') return null
    tree = entry.oid
  }
  return null
}

/** The text of a blob. */
export async function readBlobText(dir: string, oid: string, cache: GitCache): Promise<string> {
  const { blob } = await git.readBlob({ fs: gitFs, dir, oid, cache })
  return Buffer.from(blob).toString('utf8')
}

/** Object files in a commit's tree, per object folder: folder → (file name → blob id). */
export async function objectFolders(dir: string, treeOid: string | null, cache: GitCache): Promise<Map<string, string>> {
  const folders = new Map<string, string>()
  if (!treeOid) return folders
  const root = await readTreeMap(dir, treeOid, cache)
  for (const kind of OBJECT_KINDS) {
    const entry = root.get(OBJECT_LAYOUT[kind].folder)
    if (entry?.type === 'tree') folders.set(OBJECT_LAYOUT[kind].folder, entry.oid)
  }
  return folders
}

/** Object files (path → blob id) inside one folder tree. */
export async function objectFiles(dir: string, folder: string, folderTree: string | undefined, cache: GitCache): Promise<Map<string, string>> {
  const files = new Map<string, string>()
  if (!folderTree) return files
  for (const [name, entry] of await readTreeMap(dir, folderTree, cache)) {
    const filepath = `${folder}/${name}`
    if (entry.type === 'blob' && objectForPath(filepath)) files.set(filepath, entry.oid)
  }
  return files
}
