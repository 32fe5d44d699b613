/**
 * Notices edits made outside Weft: object files changed on disk, and HEAD
 * moving (a commit, checkout or pull in a terminal). Debounced, so a `git
 * checkout` of many files is one notification.
 */
import fs from 'node:fs'
import path from 'node:path'
import { OBJECT_KINDS, OBJECT_LAYOUT, type ObjectKind } from '../../common/schemas/project'

/** What changed in one debounce window. */
export interface ProjectChanges {
  kinds: ObjectKind[]
  /** HEAD, a branch ref or weft.yaml changed: the project's info should be read again. */
  projectInfo: boolean
}

/** Maps a project-relative path (forward or back slashes) to what it affects. */
export function classifyChange(relative: string): { kind?: ObjectKind; projectInfo?: boolean } | null {
  const parts = relative.split(/[\\/]/)
  if (parts[0] === '.weft') return null
  if (parts[0] === '.git') {
    const rest = parts.slice(1).join('/')
    return rest === 'HEAD' || rest.startsWith('refs/heads') || rest === 'packed-refs' ? { projectInfo: true } : null
  }
  if (relative === 'weft.yaml') return { projectInfo: true }
  const kind = OBJECT_KINDS.find((k) => OBJECT_LAYOUT[k].folder === parts[0])
  return kind ? { kind } : null
}

/**
 * Watches a project folder; returns the function that stops watching. Only the
 * folders that matter are watched, each non-recursively (a recursive watch
 * on Linux would put a watch on every folder under .git/objects).
 */
export function watchProject(dir: string, onChange: (changes: ProjectChanges) => void, debounceMs = 150): () => void {
  const watchers = new Map<string, fs.FSWatcher>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let kinds = new Set<ObjectKind>()
  let projectInfo = false
  let stopped = false

  const flush = () => {
    timer = undefined
    const changes = { kinds: [...kinds], projectInfo }
    kinds = new Set()
    projectInfo = false
    if (changes.kinds.length > 0 || changes.projectInfo) onChange(changes)
  }

  const note = (relative: string) => {
    const hit = classifyChange(relative)
    if (!hit) return
    if (hit.kind) kinds.add(hit.kind)
    if (hit.projectInfo) projectInfo = true
    if (!timer && !stopped) timer = setTimeout(flush, debounceMs)
  }

  const watchFolder = (relative: string) => {
    if (watchers.has(relative) || stopped) return
    try {
      const watcher = fs.watch(path.join(dir, relative), { persistent: false }, (_event, filename) => {
        if (!filename) return
        const child = relative ? `${relative}/${filename.toString()}` : filename.toString()
        if (!relative) {
          // An object folder created after we started (e.g. the first prompt) gets its own watch.
          const kind = OBJECT_KINDS.find((k) => OBJECT_LAYOUT[k].folder === child)
          if (kind) {
            watchFolder(child)
            note(`${child}/`)
          }
        }
        note(child)
      })
      watcher.on('error', () => {
        watcher.close()
        watchers.delete(relative)
      })
      watchers.set(relative, watcher)
    } catch {
      // The folder does not exist (yet) or cannot be watched; the UI still refreshes on its own actions.
    }
  }

  watchFolder('')
  watchFolder('.git')
  watchFolder('.git/refs/heads')
  for (const kind of OBJECT_KINDS) watchFolder(OBJECT_LAYOUT[kind].folder)

  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
    for (const watcher of watchers.values()) watcher.close()
    watchers.clear()
  }
}
