/**
 * Diffs between two versions of an object, as they cross IPC and HTTP: plain
 * JSON, one shape per kind. A text diff serves both the UI (line numbers on
 * both sides) and the CLI's unified diff; field changes say what changed in
 * structured content (front matter, YAML configs, dataset rows).
 */
import { z } from 'zod'

/** Any JSON value (what a field of a row or a config can hold). */
export const JsonValueSchema = z.json()

/** Any JSON value. */
export type JsonValue = z.infer<typeof JsonValueSchema>

/** One line of a hunk. `oldLine`/`newLine` are 1-based, null on the side the line is not on. */
export const DiffLineSchema = z.object({
  type: z.enum(['context', 'added', 'removed']),
  text: z.string(),
  oldLine: z.number().int().positive().nullable(),
  newLine: z.number().int().positive().nullable(),
  /** True when this is its file's last line and no newline follows it (the `\ No newline` marker). */
  noNewlineAtEnd: z.boolean().optional(),
})

/** One line of a hunk. */
export type DiffLine = z.infer<typeof DiffLineSchema>

/**
 * A run of changes with context: `oldLines` lines from line `oldStart` became
 * `newLines` lines from `newStart` (1-based). A side with no lines keeps the
 * number of the line after the gap; a unified diff prints that one lower.
 */
export const DiffHunkSchema = z.object({
  oldStart: z.number().int().nonnegative(),
  oldLines: z.number().int().nonnegative(),
  newStart: z.number().int().nonnegative(),
  newLines: z.number().int().nonnegative(),
  lines: z.array(DiffLineSchema),
})

/** A run of changes with context. */
export type DiffHunk = z.infer<typeof DiffHunkSchema>

/** A line diff of two texts; no hunks when they are equal. */
export const TextDiffSchema = z.object({
  hunks: z.array(DiffHunkSchema),
  stats: z.object({ added: z.number().int().nonnegative(), removed: z.number().int().nonnegative() }),
  /**
   * True when the texts differ too much to align line by line in reasonable
   * time: the one hunk then removes every old line and adds every new one.
   */
  coarse: z.boolean().optional(),
})

/** A line diff of two texts. */
export type TextDiff = z.infer<typeof TextDiffSchema>

/**
 * One changed value in structured content. `path` is dotted (`config.temperature`,
 * `messages.0.content`); a key that is empty or holds `.`, `[` or `]` is written
 * `["a.b"]` (JSON-quoted); the empty path is the whole value.
 */
export const FieldChangeSchema = z.object({
  path: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  before: JsonValueSchema.optional(),
  after: JsonValueSchema.optional(),
})

/** One changed value in structured content. */
export type FieldChange = z.infer<typeof FieldChangeSchema>

/** Whether the object exists in each version and whether its content differs. */
export const DiffStatusSchema = z.enum(['added', 'removed', 'changed', 'unchanged'])

/** Whether the object exists in each version and whether its content differs. */
export type DiffStatus = z.infer<typeof DiffStatusSchema>

/**
 * A side whose structured part could not be read (invalid YAML). Its text diff
 * is still complete; its field changes are left out rather than guessed.
 */
export const DiffProblemSchema = z.object({
  side: z.enum(['before', 'after']),
  /** 1-based line in that version's file. */
  line: z.number().int().positive().optional(),
  message: z.string(),
})

/** A side whose structured part could not be read. */
export type DiffProblem = z.infer<typeof DiffProblemSchema>

/** A prompt (Dotprompt): the whole file's text diff, plus field changes in its YAML front matter. */
export const PromptDiffSchema = z.object({
  kind: z.literal('prompt'),
  status: DiffStatusSchema,
  text: TextDiffSchema,
  frontMatter: z.array(FieldChangeSchema),
  problems: z.array(DiffProblemSchema).optional(),
})

/** A prompt diff. */
export type PromptDiff = z.infer<typeof PromptDiffSchema>

/** A model config, scorer or evaluation (YAML): field changes plus the text diff. */
export const ConfigDiffSchema = z.object({
  kind: z.enum(['model', 'scorer', 'evaluation']),
  status: DiffStatusSchema,
  fields: z.array(FieldChangeSchema),
  text: TextDiffSchema,
  problems: z.array(DiffProblemSchema).optional(),
})

/** A model config, scorer or evaluation diff. */
export type ConfigDiff = z.infer<typeof ConfigDiffSchema>

/** A dataset row as a diff carries it: a JSON object with a string `id`. */
export const DiffRowSchema = z.object({ id: z.string() }).catchall(JsonValueSchema)

/** A dataset row as a diff carries it. */
export type DiffRow = z.infer<typeof DiffRowSchema>

/** A row present in both versions with different content. */
export const ChangedRowSchema = z.object({
  id: z.string(),
  before: DiffRowSchema,
  after: DiffRowSchema,
  fields: z.array(FieldChangeSchema),
})

/** A row present in both versions with different content. */
export type ChangedRow = z.infer<typeof ChangedRowSchema>

/**
 * Rows matched by `id`. Lists hold at most `limit` rows each (added and changed
 * in the new file's order, removed in the old file's); `stats` always count all.
 * Order is not content: a moved row is unchanged, and `reordered` says whether
 * any kept row moved.
 */
export const DatasetDiffSchema = z.object({
  kind: z.literal('dataset'),
  status: DiffStatusSchema,
  added: z.array(DiffRowSchema),
  removed: z.array(DiffRowSchema),
  changed: z.array(ChangedRowSchema),
  unchanged: z.number().int().nonnegative(),
  reordered: z.boolean(),
  stats: z.object({
    added: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
  }),
})

/** A dataset diff. */
export type DatasetDiff = z.infer<typeof DatasetDiffSchema>

/** The diff of any object kind, told apart by `kind`. */
export const ObjectDiffSchema = z.discriminatedUnion('kind', [PromptDiffSchema, DatasetDiffSchema, ConfigDiffSchema])

/** The diff of any object kind. */
export type ObjectDiff = z.infer<typeof ObjectDiffSchema>
