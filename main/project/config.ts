/**
 * `weft.yaml`: read (migrating older schema versions), validate, write.
 */
import fs from 'node:fs'
import path from 'node:path'
import { stringify } from 'yaml'
import { WeftError } from '../../common/errors'
import { PROJECT_CONFIG_VERSION, ProjectConfigSchema, type ProjectConfig } from '../../common/schemas/project'
import { parseYamlWithSchema } from '../../common/yaml'
import { z } from 'zod'

/** The project settings file's name. */
export const CONFIG_FILE = 'weft.yaml'

/**
 * Numbered migrations: `MIGRATIONS[n]` turns a version-n document into
 * version n+1. Each needs a test on a fixture of version n. None exist yet:
 * version 1 is the first.
 */
export const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {}

const VersionProbe = z.object({ schema: z.number().int().positive() }).passthrough()

/** Brings an older document up to {@link PROJECT_CONFIG_VERSION}; refuses newer ones. */
export function migrateConfig(doc: Record<string, unknown>, file: string): Record<string, unknown> {
  const probe = VersionProbe.safeParse(doc)
  if (!probe.success) return doc // let the schema report the missing/invalid `schema` field
  let current = doc
  let version = probe.data.schema
  if (version > PROJECT_CONFIG_VERSION) {
    throw new WeftError(
      'INVALID_FILE',
      `${file}: schema ${version} is newer than this Weft understands (${PROJECT_CONFIG_VERSION}); update Weft`,
      [{ path: 'schema', file, message: `schema ${version} is newer than ${PROJECT_CONFIG_VERSION}` }],
    )
  }
  while (version < PROJECT_CONFIG_VERSION) {
    const step = MIGRATIONS[version]
    if (!step) throw new WeftError('INVALID_FILE', `${file}: no migration from schema ${version}`)
    current = step(current)
    version += 1
  }
  return current
}

/** Parses weft.yaml text: YAML, then migration, then the schema. Errors say file, line and field. */
export function parseConfig(text: string, file = CONFIG_FILE): ProjectConfig {
  const raw = parseYamlWithSchema(text, z.record(z.string(), z.unknown()).nullable(), file) ?? {}
  const migrated = migrateConfig(raw, file)
  if (migrated === raw) return parseYamlWithSchema(text, ProjectConfigSchema, file)
  const checked = ProjectConfigSchema.safeParse(migrated)
  if (!checked.success) {
    throw new WeftError('INVALID_FILE', `${file}: migrated settings are invalid: ${checked.error.issues[0]?.message}`)
  }
  return checked.data
}

/** Reads `<dir>/weft.yaml`, or null when the file does not exist. */
export async function readConfig(dir: string): Promise<ProjectConfig | null> {
  let text: string
  try {
    text = await fs.promises.readFile(path.join(dir, CONFIG_FILE), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  return parseConfig(text)
}

/** The canonical text of a config (stable key order, so diffs stay small). */
export function formatConfig(config: ProjectConfig): string {
  const { schema, name, description, defaults } = ProjectConfigSchema.parse(config)
  const doc: Record<string, unknown> = { schema, name }
  if (description) doc.description = description
  doc.defaults = defaults
  return `# Weft project settings. Docs: weft --help\n${stringify(doc)}`
}
