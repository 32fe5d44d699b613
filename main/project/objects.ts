/**
 * Object files as they are on disk. The versioned store (commits, versions,
 * labels) builds on this; here is only what the shell needs to list and show.
 */
import fs from 'node:fs'
import path from 'node:path'
import { WeftError } from '../../common/errors'
import { OBJECT_KINDS, OBJECT_LAYOUT, type ObjectEntry, type ObjectKind } from '../../common/schemas/project'

/** Files of the given kinds (all kinds by default), sorted by kind then name. */
export async function listObjects(dir: string, kinds: readonly ObjectKind[] = OBJECT_KINDS): Promise<ObjectEntry[]> {
  const found: ObjectEntry[] = []
  for (const kind of kinds) {
    const { folder, extensions } = OBJECT_LAYOUT[kind]
    let names: fs.Dirent[]
    try {
      names = await fs.promises.readdir(path.join(dir, folder), { withFileTypes: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    for (const entry of names) {
      if (!entry.isFile()) continue
      const ext = extensions.find((e) => entry.name.endsWith(e))
      if (!ext) continue
      const stat = await fs.promises.stat(path.join(dir, folder, entry.name))
      found.push({ kind, name: entry.name.slice(0, -ext.length), path: `${folder}/${entry.name}`, size: stat.size })
    }
  }
  return found.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : OBJECT_KINDS.indexOf(a.kind) - OBJECT_KINDS.indexOf(b.kind)))
}

/** Largest object file `readObject` returns whole; bigger ones belong to paged readers. */
export const MAX_READ_BYTES = 16 * 1024 * 1024

/** The text of one object file. Throws NOT_FOUND when it does not exist. */
export async function readObject(dir: string, kind: ObjectKind, name: string): Promise<{ object: ObjectEntry; content: string }> {
  const match = (await listObjects(dir, [kind])).find((o) => o.name === name)
  if (!match) {
    throw new WeftError('NOT_FOUND', `No ${kind} named "${name}" in ${OBJECT_LAYOUT[kind].folder}/`, [
      { path: 'name', message: `no ${kind} with this name` },
    ])
  }
  if (match.size > MAX_READ_BYTES) {
    throw new WeftError('UNSUPPORTED', `${match.path} is ${match.size} bytes; larger than ${MAX_READ_BYTES} bytes cannot be read whole`)
  }
  return { object: match, content: await fs.promises.readFile(path.join(dir, match.path), 'utf8') }
}
