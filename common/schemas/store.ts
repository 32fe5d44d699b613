/**
 * Wire shapes of the object store: versions, resolved references, listed
 * objects and save results. main/store returns exactly these.
 */
import { z } from 'zod'
import { ObjectKindSchema } from './project'

/** A git object id (40 lowercase hex). */
export const DigestSchema = z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character digest')

/** One distinct content of an object. */
export const VersionViewSchema = z.object({
  n: z.number().int().positive(),
  digest: DigestSchema,
  commit: DigestSchema,
  time: z.string(),
  author: z.string(),
  email: z.string(),
  message: z.string(),
  labels: z.array(z.string()),
  current: z.boolean(),
})

/** One distinct content of an object. */
export type VersionViewWire = z.infer<typeof VersionViewSchema>

/** A resolved reference. */
export const ResolvedRefSchema = z.object({
  kind: ObjectKindSchema,
  name: z.string(),
  digest: DigestSchema,
  n: z.number().int().positive().nullable(),
  via: z.enum(['latest', 'ordinal', 'digest', 'label', 'branch']),
  ref: z.string(),
})

/** An object file in the project with its version state. */
export const StoredObjectSchema = z.object({
  kind: ObjectKindSchema,
  name: z.string(),
  path: z.string(),
  size: z.number().int().nonnegative(),
  version: z.object({ digest: DigestSchema, n: z.number().int().positive().nullable() }).nullable(),
  modified: z.boolean(),
  labels: z.record(z.string(), z.number().int().positive().nullable()),
})

/** What a save did. */
export const SaveResultSchema = z.object({
  version: VersionViewSchema,
  commit: DigestSchema.nullable(),
  created: z.boolean(),
})

/** A reference as text: `kind:name@selector` or `weft://kind/name@selector`. */
export const RefTextSchema = z.string().trim().min(3, 'must be a reference like prompt:summarize@v3').max(400)

/** One label move, with version numbers. */
export const LabelEventViewSchema = z.object({
  at: z.string(),
  by: z.string(),
  object: z.string(),
  label: z.string(),
  from: DigestSchema.nullable(),
  to: DigestSchema.nullable(),
  fromN: z.number().int().positive().nullable(),
  toN: z.number().int().positive().nullable(),
})

/** A prompt rendered with variables: the messages a model would get. */
export const RenderedPromptSchema = z.object({
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'model', 'tool']), content: z.string() })),
  config: z.record(z.string(), z.unknown()),
  model: z.string().optional(),
  missing: z.array(z.string()),
  unexpected: z.array(z.string()),
})
