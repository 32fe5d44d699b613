/**
 * Wire shapes of repository operations (branches, remotes, pull/push,
 * maintenance) and dataset import/export.
 */
import { z } from 'zod'
import { DigestSchema } from './store'

/** One local branch. */
export const BranchInfoSchema = z.object({
  name: z.string(),
  head: DigestSchema,
  isCurrent: z.boolean(),
  upstream: z.string().optional(),
  ahead: z.number().int().nonnegative().optional(),
  behind: z.number().int().nonnegative().optional(),
})

/** A git branch name as a user types it (checked fully on the main side). */
export const BranchNameSchema = z.string().trim().min(1, 'must not be empty').max(200)

/** A configured remote (the URL never carries credentials). */
export const RemoteSchema = z.object({ name: z.string(), url: z.string(), hasToken: z.boolean().optional() })

/** One file a pull could not merge: both sides are kept and readable by digest. */
export const PullConflictSchema = z.object({
  path: z.string(),
  kind: z.enum(['both-modified', 'deleted-by-us', 'deleted-by-them']),
  ours: DigestSchema.nullable(),
  theirs: DigestSchema.nullable(),
  base: DigestSchema.nullable(),
})

/** What a pull did; on `conflict` nothing in the project changed. */
export const PullResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('up-to-date'), head: DigestSchema.nullable() }),
  z.object({ status: z.literal('fast-forward'), head: DigestSchema, previous: DigestSchema.nullable() }),
  z.object({ status: z.literal('merged'), head: DigestSchema, previous: DigestSchema, theirs: DigestSchema }),
  z.object({ status: z.literal('conflict'), head: DigestSchema, theirs: DigestSchema, files: z.array(PullConflictSchema) }),
])

const ObjectStatsSchema = z.object({ looseObjects: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() })

/** What repository maintenance did. */
export const MaintenanceResultSchema = z.object({
  before: ObjectStatsSchema,
  after: ObjectStatsSchema,
  method: z.enum(['git-gc', 'pack']),
  corruptObjects: z.array(z.string()),
})

/** File formats a dataset can be imported from. */
export const ImportFormatSchema = z.enum(['csv', 'jsonl', 'json'])

/** Options shared by import preview and import. */
export const ImportSourceSchema = z.object({
  /** A file on the machine running Weft. */
  file: z.string().trim().min(1).max(4096),
  format: ImportFormatSchema.optional(),
  delimiter: z.string().min(1).max(4).optional(),
  dynamicTyping: z.boolean().optional(),
})

/** Problems with a file, each with its line. */
const IssueSchema = z.object({ path: z.string(), message: z.string(), file: z.string().optional(), line: z.number().int().optional() })

/** The head of a file to import. */
export const ImportPreviewSchema = z.object({
  format: ImportFormatSchema,
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.unknown())),
  errors: z.array(IssueSchema),
  totalBytes: z.number().int().nonnegative(),
  delimiter: z.string().optional(),
})
