import { z } from 'zod'

/** The current `weft.yaml` schema version. Bump it with a numbered migration in projectConfig.ts. */
export const PROJECT_CONFIG_VERSION = 1

/** `weft.yaml`: project settings. Unknown keys are refused so typos surface. */
export const ProjectConfigSchema = z
  .object({
    schema: z.literal(PROJECT_CONFIG_VERSION),
    name: z.string().trim().min(1, 'name must not be empty').max(200),
    description: z.string().max(2000).optional(),
    defaults: z
      .object({
        model: z.string().min(1).optional(),
        dataset: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()

/** Parsed `weft.yaml`. */
export type ProjectConfig = z.output<typeof ProjectConfigSchema>

/** Kinds of objects a project holds, each in its own folder. */
export const OBJECT_KINDS = ['prompt', 'dataset', 'model', 'scorer', 'evaluation', 'queue'] as const

/** One of {@link OBJECT_KINDS}. */
export const ObjectKindSchema = z.enum(OBJECT_KINDS)

/** One of {@link OBJECT_KINDS}. */
export type ObjectKind = z.infer<typeof ObjectKindSchema>

/** Where each kind lives in a project and which file endings it uses. */
export const OBJECT_LAYOUT: Record<ObjectKind, { folder: string; extensions: readonly string[] }> = {
  prompt: { folder: 'prompts', extensions: ['.prompt'] },
  dataset: { folder: 'datasets', extensions: ['.jsonl'] },
  model: { folder: 'models', extensions: ['.yaml', '.yml'] },
  scorer: { folder: 'scorers', extensions: ['.yaml', '.yml'] },
  evaluation: { folder: 'evals', extensions: ['.yaml', '.yml'] },
  /** Annotation queues (issue 10): common/schemas/annotation.ts. */
  queue: { folder: 'queues', extensions: ['.yaml', '.yml'] },
}

/** A project's state as the UI sees it. `needs-init` is a folder Weft can offer to initialise. */
export const ProjectInfoSchema = z.object({
  dir: z.string(),
  name: z.string(),
  status: z.enum(['ready', 'needs-init']),
  /** Why the folder needs initialising, in words for the user. */
  reason: z.string().optional(),
  isGitRepo: z.boolean(),
  /** Current branch, or null on a detached HEAD or before the first commit. */
  branch: z.string().nullable(),
  /** Full oid of HEAD, or null before the first commit. */
  head: z.string().nullable(),
  config: ProjectConfigSchema.nullable(),
})

/** A project's state as the UI sees it. */
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>

/** One remembered project. */
export const RecentProjectSchema = z.object({
  dir: z.string(),
  name: z.string(),
  openedAt: z.string(),
})

/** One remembered project. */
export type RecentProject = z.infer<typeof RecentProjectSchema>

/** One object file found in a project folder. */
export const ObjectEntrySchema = z.object({
  kind: ObjectKindSchema,
  name: z.string(),
  /** Project-relative path with forward slashes. */
  path: z.string(),
  size: z.number().int().nonnegative(),
})

/** One object file found in a project folder. */
export type ObjectEntry = z.infer<typeof ObjectEntrySchema>
