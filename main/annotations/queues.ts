/**
 * Annotation queue definitions (`queues/NAME.yaml`) as the annotation code
 * reads them: the current version of one, a named version (what an
 * annotation was made against), and every queue of the project. Parsed
 * versions are cached by queue name and digest: a digest names one content
 * forever, but the name must still be checked (another queue's digest is not
 * a version of this one).
 */
import { WeftError } from '../../common/errors'
import { objectNameProblem } from '../../common/refs'
import type { QueueDefinition } from '../../common/schemas/annotation'
import { parseYamlObject } from '../store/formats/yamlObject'
import type { ObjectStore } from '../store/store'

/** One version of a queue. */
export interface QueueVersion {
  name: string
  /** The version's digest (annotations name it). */
  version: string
  definition: QueueDefinition
}

/** Parsed versions kept; a queue rarely has more than a few in use. */
const CACHE_LIMIT = 200

/** Reads queue definitions from a project's store, caching parsed versions. */
export class QueueReader {
  private readonly parsed = new Map<string, QueueDefinition>()

  constructor(private readonly store: () => Promise<ObjectStore>) {}

  /** The queue's version at HEAD; NOT_FOUND (at `field`) when there is no such queue. */
  async current(name: string, field = 'queue'): Promise<QueueVersion> {
    const problem = objectNameProblem(name)
    if (problem) throw new WeftError('INVALID_REQUEST', `Invalid queue name "${name}": ${problem}`, [{ path: field, message: problem }])
    const store = await this.store()
    let digest: string
    try {
      digest = (await store.resolve({ kind: 'queue', name, selector: { type: 'latest' } })).digest
    } catch (error) {
      if (error instanceof WeftError && error.code === 'NOT_FOUND') {
        throw new WeftError('NOT_FOUND', `No annotation queue named "${name}" (queues/${name}.yaml is not saved in this project)`, [{ path: field, message: 'unknown queue' }])
      }
      throw error
    }
    return { name, version: digest, definition: await this.version(name, digest) }
  }

  /**
   * One version of a queue by its digest; NOT_FOUND when the store has no
   * such version. Throws INVALID_FILE (file, line, field) when the version
   * does not validate (a commit made outside Weft).
   */
  async version(name: string, digest: string): Promise<QueueDefinition> {
    const problem = objectNameProblem(name)
    if (problem) throw new WeftError('INVALID_REQUEST', `Invalid queue name "${name}": ${problem}`, [{ path: 'queue', message: problem }])
    const key = `${name}@${digest}`
    const cached = this.parsed.get(key)
    if (cached) return cached
    const store = await this.store()
    const { content } = await store.read({ kind: 'queue', name, selector: { type: 'digest', prefix: digest } })
    const definition = parseYamlObject('queue', content, `queues/${name}.yaml`)
    if (this.parsed.size >= CACHE_LIMIT) this.parsed.delete(this.parsed.keys().next().value!)
    this.parsed.set(key, definition)
    return definition
  }

  /** Every committed queue at HEAD, by name; a version that does not validate is reported, not thrown. */
  async all(): Promise<Array<QueueVersion | { name: string; version: string; error: WeftError }>> {
    const store = await this.store()
    const out: Array<QueueVersion | { name: string; version: string; error: WeftError }> = []
    for (const object of await store.list('queue')) {
      // A file never saved has no version an annotation could name.
      if (!object.version) continue
      const { digest } = object.version
      try {
        out.push({ name: object.name, version: digest, definition: await this.version(object.name, digest) })
      } catch (error) {
        if (!(error instanceof WeftError)) throw error
        out.push({ name: object.name, version: digest, error })
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name))
  }
}
