/**
 * The workbench API: every operation with its request and response schema, and
 * every event the main side pushes. Electron IPC, the web server and the CLI
 * all serve exactly this, through `dispatch.ts`.
 */
import { z } from 'zod'
import { PathSchema, DisplayNameSchema, ObjectNameSchema } from './schemas/common'
import {
  ObjectEntrySchema,
  ObjectKindSchema,
  ProjectInfoSchema,
  RecentProjectSchema,
} from './schemas/project'
import {
  LabelEventViewSchema,
  RefTextSchema,
  RenderedPromptSchema,
  ResolvedRefSchema,
  SaveResultSchema,
  StoredObjectSchema,
  VersionViewSchema,
} from './schemas/store'
import { ObjectDiffSchema } from './schemas/diff'
import { RunResultSchema } from './schemas/run'
import {
  EvalComparisonSchema,
  EvalExportFormatSchema,
  EvalPinnedVersionSchema,
  EvalRowSchema,
  EvalRunIdSchema,
  EvalRunSchema,
  EvalSummarySchema,
  MAX_BUNDLE_CHARS,
} from './schemas/evals'
import {
  IngestInfoSchema,
  StoredSpanSchema,
  TraceNodeSchema,
  TraceQuerySchema,
  TraceStatsSchema,
  TraceSummarySchema,
  WeaveDatasetSchema,
} from './schemas/trace'
import { FeedbackAddSchema, FeedbackItemSchema } from './schemas/feedback'
import { AlertInputSchema, AlertSchema, MonitorOpsSchema, MonitorQuerySchema, MonitorResultSchema } from './schemas/monitor'
import {
  AnnotationInputSchema,
  AnnotationItemSchema,
  AnnotationSchema,
  FieldAgreementSchema,
  QueueDefinitionSchema,
  QueueSummarySchema,
  WriteBackResolveSchema,
} from './schemas/annotation'
import { OnlineBackfillEventSchema, OnlineRuleIdSchema, OnlineRuleInputSchema, OnlineRuleSchema } from './schemas/online'
import {
  BranchInfoSchema,
  BranchNameSchema,
  ImportPreviewSchema,
  ImportSourceSchema,
  MaintenanceResultSchema,
  PullResultSchema,
  RemoteSchema,
} from './schemas/repo'

/** Declares one operation. `summary` is shown by `weft --help`-style listings and docs. */
function operation<Req extends z.ZodType, Res extends z.ZodType>(def: { summary: string; request: Req; response: Res }) {
  return def
}

const Empty = z.object({}).strict()

/** Where the workbench runs; decides which host-only capabilities exist. */
export const HostKindSchema = z.enum(['desktop', 'web', 'cli'])

/** Where the workbench runs. */
export type HostKind = z.infer<typeof HostKindSchema>

/** Every operation of the workbench API, by name. */
export const operations = {
  'app.info': operation({
    summary: 'Version, host kind and what this host can do.',
    request: Empty,
    response: z.object({
      name: z.literal('Weft'),
      version: z.string(),
      host: HostKindSchema,
      platform: z.string(),
      capabilities: z.object({
        /** A native folder picker exists (desktop only); web mode asks for a typed path. */
        pickDirectory: z.boolean(),
        /** A native file picker exists (desktop only); web mode uploads the file instead (POST /api/upload). */
        pickFile: z.boolean(),
      }),
    }),
  }),
  'app.pickDirectory': operation({
    summary: 'Shows the native folder picker (desktop only).',
    request: z.object({ title: z.string().max(200).optional() }).strict(),
    response: z.object({ dir: z.string().nullable() }),
  }),
  'app.pickFile': operation({
    summary: 'Shows the native file picker (desktop only); web mode uploads with POST /api/upload instead.',
    request: z
      .object({
        title: z.string().max(200).optional(),
        extensions: z.array(z.string().regex(/^[A-Za-z0-9]{1,10}$/, 'an extension without the dot')).max(20).optional(),
      })
      .strict(),
    response: z.object({ file: z.string().nullable() }),
  }),
  'project.current': operation({
    summary: 'The open project, or null when none is open.',
    request: Empty,
    response: z.object({ project: ProjectInfoSchema.nullable() }),
  }),
  'project.open': operation({
    summary: 'Opens a folder. A folder that is not a Weft project comes back with status "needs-init".',
    request: z.object({ dir: PathSchema }).strict(),
    response: z.object({ project: ProjectInfoSchema }),
  }),
  'project.init': operation({
    summary: 'Makes a folder a Weft project: git repository, weft.yaml, .gitignore and a first commit.',
    request: z.object({ dir: PathSchema, name: DisplayNameSchema.optional() }).strict(),
    response: z.object({ project: ProjectInfoSchema }),
  }),
  'project.clone': operation({
    summary: 'Clones a shared Weft project from a git remote (https) into a folder and opens it; a token is stored outside the repository.',
    request: z.object({ url: z.string().trim().min(1).max(2000), dir: PathSchema, token: z.string().min(1).max(4096).optional() }).strict(),
    response: z.object({ project: ProjectInfoSchema }),
  }),
  'project.openSample': operation({
    summary: 'Opens the sample project, copying it into the user data folder the first time.',
    request: Empty,
    response: z.object({ project: ProjectInfoSchema }),
  }),
  'project.recent': operation({
    summary: 'Recently opened projects, newest first.',
    request: Empty,
    response: z.object({ projects: z.array(RecentProjectSchema) }),
  }),
  'project.forget': operation({
    summary: 'Removes a folder from the recent projects list (the folder itself is untouched).',
    request: z.object({ dir: PathSchema }).strict(),
    response: z.object({ projects: z.array(RecentProjectSchema) }),
  }),
  'objects.list': operation({
    summary: 'Objects in the open project with their current version, labels, and whether the file on disk has unsaved changes.',
    request: z.object({ kind: ObjectKindSchema.optional() }).strict(),
    response: z.object({ objects: z.array(StoredObjectSchema) }),
  }),
  'objects.read': operation({
    summary: 'The text of one object file as it is on disk now (saved or not).',
    request: z.object({ kind: ObjectKindSchema, name: ObjectNameSchema }).strict(),
    response: z.object({ object: ObjectEntrySchema, content: z.string() }),
  }),
  'objects.get': operation({
    summary: 'The content of any version: prompt:summarize@production, dataset:tickets@v3, model:fast@1a2b3c4.',
    request: z.object({ ref: RefTextSchema }).strict(),
    response: z.object({ resolved: ResolvedRefSchema, content: z.string() }),
  }),
  'objects.save': operation({
    summary: 'Saves an object as a new version (a commit). baseVersion guards against overwriting a newer version.',
    request: z
      .object({
        kind: ObjectKindSchema,
        name: ObjectNameSchema,
        content: z.string().max(256 * 1024 * 1024, 'is larger than 256 MB'),
        message: z.string().max(5000).optional(),
        baseVersion: z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character digest').nullable().optional(),
      })
      .strict(),
    response: SaveResultSchema,
  }),
  'objects.validate': operation({
    summary: 'Checks unsaved text as a version of an object would be checked on save; returns the problems (file, line, field) instead of throwing.',
    request: z.object({ kind: ObjectKindSchema, name: ObjectNameSchema, content: z.string().max(256 * 1024 * 1024) }).strict(),
    response: z.object({
      valid: z.boolean(),
      issues: z.array(z.object({ path: z.string(), message: z.string(), file: z.string().optional(), line: z.number().int().optional() })),
    }),
  }),
  'objects.versions': operation({
    summary: 'Every distinct content of an object, newest first, with labels and which one is current.',
    request: z.object({ kind: ObjectKindSchema, name: ObjectNameSchema }).strict(),
    response: z.object({ versions: z.array(VersionViewSchema) }),
  }),
  'objects.restore': operation({
    summary: 'Makes an old version current again, as a new commit.',
    request: z.object({ ref: RefTextSchema, message: z.string().max(5000).optional() }).strict(),
    response: SaveResultSchema,
  }),
  'objects.rename': operation({
    summary: 'Renames an object; its versions and their numbers carry over.',
    request: z.object({ kind: ObjectKindSchema, from: ObjectNameSchema, to: ObjectNameSchema }).strict(),
    response: z.object({ commit: z.string() }),
  }),
  'objects.delete': operation({
    summary: 'Deletes an object from the project; its history stays readable by reference.',
    request: z.object({ kind: ObjectKindSchema, name: ObjectNameSchema }).strict(),
    response: z.object({ commit: z.string() }),
  }),
  'refs.resolve': operation({
    summary: 'Resolves a reference to a version digest and number.',
    request: z.object({ ref: RefTextSchema }).strict(),
    response: ResolvedRefSchema,
  }),
  'labels.set': operation({
    summary: 'Points a label (production, staging, …) at the version a reference names, moving it if set elsewhere.',
    request: z.object({ ref: RefTextSchema, label: z.string().min(1).max(64) }).strict(),
    response: z.object({ resolved: ResolvedRefSchema, previous: z.string().nullable(), commit: z.string().nullable() }),
  }),
  'labels.remove': operation({
    summary: 'Removes a label from an object.',
    request: z.object({ kind: ObjectKindSchema, name: ObjectNameSchema, label: z.string().min(1).max(64) }).strict(),
    response: z.object({ previous: z.string(), commit: z.string() }),
  }),
  'labels.history': operation({
    summary: "Every move of an object's labels: who moved which label, when, from which version to which.",
    request: z.object({ kind: ObjectKindSchema, name: ObjectNameSchema }).strict(),
    response: z.object({ events: z.array(LabelEventViewSchema) }),
  }),
  'prompts.render': operation({
    summary: 'Renders a prompt version (or unsaved text) with variables; reports missing and unexpected variables.',
    request: z
      .object({
        ref: RefTextSchema.optional(),
        content: z.string().max(1024 * 1024).optional(),
        variables: z.record(z.string(), z.unknown()).default({}),
      })
      .strict()
      .refine((r) => (r.ref === undefined) !== (r.content === undefined), { message: 'give either ref or content', path: ['ref'] }),
    response: RenderedPromptSchema,
  }),
  'objects.diff': operation({
    summary: 'Diffs two versions (from → to), a version and unsaved text (content), or a version and the file on disk (neither).',
    request: z
      .object({
        from: RefTextSchema,
        to: RefTextSchema.optional(),
        content: z.string().max(256 * 1024 * 1024).optional(),
        limit: z.number().int().positive().max(100_000).optional(),
      })
      .strict()
      .refine((r) => !(r.to !== undefined && r.content !== undefined), { message: 'give to or content, not both', path: ['to'] }),
    response: z.object({ from: ResolvedRefSchema, to: ResolvedRefSchema.nullable(), diff: ObjectDiffSchema }),
  }),
  'datasets.previewImport': operation({
    summary: 'Reads the head of a CSV, JSONL or JSON file to import: columns, first rows, problems with their lines.',
    request: ImportSourceSchema.extend({ limit: z.number().int().positive().max(1000).optional() }).strict(),
    response: ImportPreviewSchema,
  }),
  'datasets.import': operation({
    summary: 'Imports a CSV, JSONL or JSON file as a new version of a dataset (streamed; any bad record fails the whole import, naming its line).',
    request: ImportSourceSchema.extend({
      name: ObjectNameSchema,
      mapping: z.record(z.string().min(1), z.string().min(1)).optional(),
      idColumn: z.string().min(1).optional(),
      message: z.string().max(5000).optional(),
      baseVersion: z.string().regex(/^[0-9a-f]{40}$/).nullable().optional(),
    }).strict(),
    response: SaveResultSchema.extend({ rows: z.number().int().nonnegative(), columns: z.array(z.string()) }),
  }),
  'datasets.export': operation({
    summary: 'Writes a dataset version to a CSV, JSONL or JSON file.',
    request: z.object({ ref: RefTextSchema, file: z.string().trim().min(1).max(4096), format: z.enum(['csv', 'jsonl', 'json']) }).strict(),
    response: z.object({ file: z.string(), rows: z.number().int().nonnegative(), columns: z.array(z.string()) }),
  }),
  'branches.list': operation({
    summary: 'Local branches, the current one, and how far each is ahead of or behind its upstream.',
    request: Empty,
    response: z.object({ current: z.string().nullable(), branches: z.array(BranchInfoSchema) }),
  }),
  'branches.create': operation({
    summary: 'Creates a branch (from HEAD or a given branch/commit), optionally switching to it.',
    request: z.object({ name: BranchNameSchema, from: z.string().min(1).max(200).optional(), checkout: z.boolean().optional() }).strict(),
    response: BranchInfoSchema,
  }),
  'branches.switch': operation({
    summary: 'Switches to a branch; refuses, listing the files, when it would overwrite unsaved work.',
    request: z.object({ name: BranchNameSchema }).strict(),
    response: z.object({ current: z.string(), head: z.string() }),
  }),
  'branches.delete': operation({
    summary: 'Deletes a branch (not the current one; one with unmerged commits only with force).',
    request: z.object({ name: BranchNameSchema, force: z.boolean().optional() }).strict(),
    response: z.object({ branches: z.array(BranchInfoSchema) }),
  }),
  'remotes.list': operation({
    summary: 'Configured git remotes, and whether a token is stored for each (tokens live outside the repository).',
    request: Empty,
    response: z.object({ remotes: z.array(RemoteSchema) }),
  }),
  'remotes.add': operation({
    summary: 'Adds a remote (https URL); a token, given or embedded in the URL, is stored outside the repository.',
    request: z.object({ name: BranchNameSchema, url: z.string().trim().min(1).max(2000), token: z.string().min(1).max(4096).optional() }).strict(),
    response: z.object({ remotes: z.array(RemoteSchema) }),
  }),
  'remotes.remove': operation({
    summary: 'Removes a remote.',
    request: z.object({ name: BranchNameSchema }).strict(),
    response: z.object({ remotes: z.array(RemoteSchema) }),
  }),
  'sync.pull': operation({
    summary: 'Pulls from a remote: fast-forward or merge; on a conflict nothing changes and both sides are reported.',
    request: z.object({ remote: BranchNameSchema.optional(), branch: BranchNameSchema.optional() }).strict(),
    response: PullResultSchema,
  }),
  'sync.push': operation({
    summary: 'Pushes the current branch to a remote; a rejected push says to pull first.',
    request: z.object({ remote: BranchNameSchema.optional(), branch: BranchNameSchema.optional() }).strict(),
    response: z.object({ status: z.enum(['pushed', 'up-to-date']), head: z.string() }),
  }),
  'repo.maintain': operation({
    summary: 'Packs loose git objects (git gc when installed, else isomorphic-git) so the repository stays small.',
    request: z.object({ useGitCli: z.boolean().optional() }).strict(),
    response: MaintenanceResultSchema,
  }),
  'models.run': operation({
    summary: 'Runs a prompt version (or unsaved text) against a model config with variables; streams text as run.delta events when stream is set.',
    request: z
      .object({
        prompt: RefTextSchema.optional(),
        content: z.string().max(1024 * 1024).optional(),
        model: RefTextSchema,
        variables: z.record(z.string(), z.unknown()).default({}),
        stream: z.boolean().optional(),
        cache: z.boolean().optional(),
        /** Chosen by the caller so it can cancel and match run.delta events. */
        runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (at most 64)').optional(),
      })
      .strict()
      .refine((r) => (r.prompt === undefined) !== (r.content === undefined), { message: 'give either prompt or content', path: ['prompt'] }),
    response: RunResultSchema,
  }),
  'models.cancel': operation({
    summary: 'Stops a run in flight (its result comes back with finishReason cancelled).',
    request: z.object({ runId: z.string().min(1).max(64) }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  }),
  'runs.list': operation({
    summary: 'Recent model runs of the open project, newest first (what was sent, to which versions, and the answer).',
    request: z.object({ limit: z.number().int().positive().max(1000).default(50) }).strict(),
    response: z.object({ runs: z.array(RunResultSchema.extend({ at: z.string(), variables: z.record(z.string(), z.unknown()) })) }),
  }),
  'secrets.status': operation({
    summary: 'Which API keys are available and from where (environment or OS keychain) — never their values.',
    request: z.object({ names: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/)).max(50).optional() }).strict(),
    response: z.object({
      keychain: z.boolean(),
      keys: z.array(z.object({ name: z.string(), source: z.enum(['environment', 'keychain']).nullable() })),
    }),
  }),
  'secrets.set': operation({
    summary: 'Stores an API key in the OS keychain (desktop only; elsewhere keys come from environment variables).',
    request: z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be a variable-like name such as OPENAI_API_KEY'), value: z.string().min(1).max(8192) }).strict(),
    response: z.object({ name: z.string() }),
  }),
  'secrets.remove': operation({
    summary: 'Removes an API key from the OS keychain (desktop only).',
    request: z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/) }).strict(),
    response: z.object({ name: z.string() }),
  }),
  'ingest.info': operation({
    summary: 'Where apps send traces (the ingest server URL) and the open project\'s ingest token.',
    request: Empty,
    response: IngestInfoSchema,
  }),
  'ingest.rotateToken': operation({
    summary: 'Replaces the open project\'s ingest token; apps holding the old one are refused from now on.',
    request: Empty,
    response: IngestInfoSchema,
  }),
  'traces.list': operation({
    summary: 'Traces, newest first, filtered (op name, kind, status, time, attributes, text, latency, cost) and paginated by cursor.',
    request: TraceQuerySchema,
    response: z.object({ traces: z.array(TraceSummarySchema), nextCursor: z.string().nullable() }),
  }),
  'traces.get': operation({
    summary: 'One trace: its summary and its spans as a pre-order tree with subtree rollups.',
    request: z.object({ traceId: z.string().min(1).max(128) }).strict(),
    response: z.object({ trace: TraceSummarySchema, spans: z.array(TraceNodeSchema) }),
  }),
  'spans.get': operation({
    summary: 'One span of a trace with its full inputs, output, attributes and usage.',
    request: z.object({ traceId: z.string().min(1).max(128), spanId: z.string().min(1).max(128) }).strict(),
    response: z.object({ span: StoredSpanSchema }),
  }),
  'traces.stats': operation({
    summary: 'Count, errors, latency p50/p95, tokens and cost of traces started in [fromMs, toMs).',
    request: z
      .object({ fromMs: z.number().nonnegative(), toMs: z.number().nonnegative() })
      .strict()
      .refine((r) => r.toMs >= r.fromMs, { message: 'must not be before fromMs', path: ['toMs'] }),
    response: TraceStatsSchema,
  }),
  'feedback.add': operation({
    summary: 'Adds feedback to a span: a thumb (value 1 or -1), a note, or a score (a number or a category) under a name.',
    request: FeedbackAddSchema,
    response: FeedbackItemSchema,
  }),
  'feedback.list': operation({
    summary: "Feedback on one span, or on all of a trace's spans, oldest first (Weave feedback included, mapped onto thumbs, notes and scores).",
    request: z.object({ traceId: z.string().min(1).max(128), spanId: z.string().min(1).max(128).optional() }).strict(),
    response: z.object({ feedback: z.array(FeedbackItemSchema) }),
  }),
  'feedback.remove': operation({
    summary: 'Removes one piece of feedback by id.',
    request: z.object({ id: z.string().min(1).max(128) }).strict(),
    response: z.object({ removed: z.boolean() }),
  }),
  'weave.datasets': operation({
    summary: 'Datasets the W&B Weave SDK saved into this project (Dataset.save()), every version.',
    request: Empty,
    response: z.object({ datasets: z.array(WeaveDatasetSchema) }),
  }),
  'weave.importDataset': operation({
    summary: 'Imports a Weave dataset version as a new version of a Weft dataset; rows without an id get one from their Weave row digest.',
    request: z
      .object({
        name: z.string().min(1).max(256),
        digest: z.string().min(1).max(128).optional(),
        projectId: z.string().min(1).max(256).optional(),
        as: ObjectNameSchema,
        message: z.string().max(5000).optional(),
      })
      .strict(),
    response: SaveResultSchema.extend({ rows: z.number().int().nonnegative(), columns: z.array(z.string()) }),
  }),
  'evals.run': operation({
    summary: 'Runs a saved evaluation (evals/NAME.yaml) with its versions pinned, or resumes a run; progress arrives as progress events.',
    request: z
      .object({
        name: ObjectNameSchema,
        concurrency: z.number().int().min(1).max(256).optional(),
        trials: z.number().int().min(1).max(100).optional(),
        resume: EvalRunIdSchema.optional(),
        cache: z.boolean().optional(),
        /** `key=value` overrides of the definition (`--set`), applied before it is checked. */
        set: z.array(z.string().min(3).max(2000)).max(100).optional(),
      })
      .strict(),
    response: z.object({ run: EvalRunSchema, summary: EvalSummarySchema }),
  }),
  'evals.cancel': operation({
    summary: 'Stops a running evaluation; what finished is kept and the run can be resumed.',
    request: z.object({ runId: EvalRunIdSchema }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  }),
  'evals.runs': operation({
    summary: 'Evaluation runs, newest first (of one evaluation, or all).',
    request: z.object({ name: ObjectNameSchema.optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    response: z.object({ runs: z.array(EvalRunSchema) }),
  }),
  'evals.get': operation({
    summary: 'One evaluation run with every row: output, scores, latency, cost, error.',
    request: z.object({ runId: EvalRunIdSchema }).strict(),
    response: z.object({ run: EvalRunSchema, rows: z.array(EvalRowSchema) }),
  }),
  'evals.scorers': operation({
    summary: 'The scorer types an evaluation can use, with what each judges (system, step, trajectory), its value type and whether it calls a model.',
    request: z.object({}).strict(),
    response: z.object({
      scorers: z.array(
        z.object({ type: z.string(), label: z.string(), description: z.string(), level: z.enum(['system', 'step', 'trajectory']), valueType: z.enum(['boolean', 'number']), needsLlm: z.boolean() }),
      ),
    }),
  }),
  'evals.compare': operation({
    summary: 'Two runs aligned by row id: per-scorer deltas (and whether beyond noise), regressions, improvements, changed outputs.',
    request: z.object({ baseline: EvalRunIdSchema, candidate: EvalRunIdSchema }).strict(),
    response: EvalComparisonSchema,
  }),
  'evals.export': operation({
    summary:
      'A run as a file: `bundle` (JSON: the run, rows, every pinned version\'s content and the rows\' trace spans; `traces: false` leaves spans out; refused past 200 MB), `csv` (one line per row × trial with each scorer\'s score, pass and reason) or `junit` (XML, with the definition\'s thresholds).',
    request: z.object({ runId: EvalRunIdSchema, format: EvalExportFormatSchema, traces: z.boolean().default(true) }).strict(),
    response: z.object({ filename: z.string(), mediaType: z.string(), content: z.string() }),
  }),
  'evals.import': operation({
    summary:
      'Stores a run bundle (from evals.export) in this project: the run keeps its id, source and pins and gains importedMs; rows, spans and the pinned versions\' contents (read back with evals.pinned) go in one transaction. Re-importing the same bundle changes nothing; a different run with the same id is refused (CONFLICT).',
    request: z.object({ content: z.string().min(1).max(MAX_BUNDLE_CHARS) }).strict(),
    response: z.object({
      run: EvalRunSchema,
      /** False when the identical run was already here (nothing was written). */
      imported: z.boolean(),
      rows: z.number().int().nonnegative(),
      spans: z.number().int().nonnegative(),
      objects: z.number().int().nonnegative(),
    }),
  }),
  'evals.diff': operation({
    summary: "What changed in one pinned slot (prompt, model, dataset, evaluation, scorer.<id>…) between two runs: the diff of their pinned versions, read from this project's store or from the bundle a run was imported with.",
    request: z.object({ baseline: EvalRunIdSchema, candidate: EvalRunIdSchema, key: z.string().min(1).max(200), limit: z.number().int().min(1).max(100_000).optional() }).strict(),
    response: z.object({ diff: ObjectDiffSchema }),
  }),
  'evals.pinned': operation({
    summary: "A run's pinned versions with their content: from this project's store, else from the bundle the run was imported with (null when neither has it).",
    request: z.object({ runId: EvalRunIdSchema }).strict(),
    response: z.object({ versions: z.array(EvalPinnedVersionSchema) }),
  }),
  // ── annotation (issue 10) ──
  'annotations.queues': operation({
    summary: 'The annotation queues (queues/*.yaml) with their progress: items, items done, complete annotations per annotator.',
    request: Empty,
    response: z.object({ queues: z.array(QueueSummarySchema) }),
  }),
  'annotations.items': operation({
    summary: "A page of a queue's items with every annotation of each; `todo` is what the annotator has not completed yet.",
    request: z
      .object({
        queue: ObjectNameSchema,
        annotator: z.string().trim().min(1).max(100).optional(),
        filter: z.enum(['all', 'todo', 'done']).default('all'),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(200).default(50),
      })
      .strict(),
    response: z.object({
      queue: z.object({ name: z.string(), version: z.string(), definition: QueueDefinitionSchema }),
      /** Items matching the filter. */
      total: z.number().int().nonnegative(),
      items: z.array(AnnotationItemSchema),
    }),
  }),
  'annotations.submit': operation({
    summary: "Stores annotations from the renderer's outbox. Idempotent by id; of two edits of one annotation the newer is kept. Each is accepted or refused alone.",
    request: z.object({ annotations: z.array(AnnotationInputSchema).min(1).max(500) }).strict(),
    response: z.object({
      /** Ids now stored as sent. */
      stored: z.array(z.string()),
      /** Ids already stored with a newer edit (nothing changed). */
      stale: z.array(z.string()),
      /** Ids refused, with why (the outbox keeps them and shows the message). */
      rejected: z.array(z.object({ id: z.string(), path: z.string(), message: z.string() })),
    }),
  }),
  'annotations.list': operation({
    summary: "A queue's stored annotations, oldest first; optionally one annotator's.",
    request: z.object({ queue: ObjectNameSchema, annotator: z.string().trim().min(1).max(100).optional() }).strict(),
    response: z.object({ annotations: z.array(AnnotationSchema) }),
  }),
  'annotations.agreement': operation({
    summary: 'Agreement between annotators per field, over items two or more of them completed: percent agreement, Krippendorff alpha, Cohen kappa per pair.',
    request: z.object({ queue: ObjectNameSchema }).strict(),
    response: z.object({ annotators: z.array(z.string()), items: z.number().int().nonnegative(), fields: z.array(FieldAgreementSchema) }),
  }),
  'annotations.writeBack': operation({
    summary: "Writes a queue's labels and corrected expected answers into a dataset as a new version (one commit).",
    request: z
      .object({
        queue: ObjectNameSchema,
        /** The target dataset; default the queue's writeBack.dataset, or its source dataset. */
        dataset: ObjectNameSchema.optional(),
        resolve: WriteBackResolveSchema.default('latest'),
        message: z.string().max(5000).optional(),
      })
      .strict(),
    response: SaveResultSchema.extend({
      dataset: z.string(),
      rows: z.object({ updated: z.number().int().nonnegative(), added: z.number().int().nonnegative(), unchanged: z.number().int().nonnegative() }),
    }),
  }),
  'annotations.export': operation({
    summary: "A queue's annotations as JSONL (one per line) or CSV (one column per field).",
    request: z.object({ queue: ObjectNameSchema, format: z.enum(['jsonl', 'csv']) }).strict(),
    response: z.object({ content: z.string(), filename: z.string(), count: z.number().int().nonnegative() }),
  }),
  'monitor.query': operation({
    summary:
      'Dashboard series over a time range from the metric rollups: per bucket (auto: 1h → 1 min … 30d → 6 h) and per group (op, model or none; top N, the rest as "other") count, errors, error rate, latency p50/p95/p99, tokens and cost, with totals; and the online scorers\' mean, pass rate and count per bucket.',
    request: MonitorQuerySchema,
    response: MonitorResultSchema,
  }),
  'monitor.ops': operation({
    summary: 'Ops, models and span kinds seen (since fromMs), busiest first, and the online score names: for the dashboard\'s pickers.',
    request: z.object({ fromMs: z.number().nonnegative().optional() }).strict(),
    response: MonitorOpsSchema,
  }),
  'monitor.alerts': operation({
    summary: 'Alert thresholds of the open project with their current state and last value.',
    request: Empty,
    response: z.object({ alerts: z.array(AlertSchema) }),
  }),
  'monitor.saveAlert': operation({
    summary: 'Creates or replaces (same id) an alert threshold; it is checked at once, and then every 30 s and soon after new spans.',
    request: AlertInputSchema,
    response: z.object({ alert: AlertSchema }),
  }),
  'monitor.deleteAlert': operation({
    summary: 'Deletes an alert threshold.',
    request: z.object({ id: z.string().min(1).max(64) }).strict(),
    response: z.object({ deleted: z.boolean() }),
  }),
  'online.rules': operation({
    summary: "The open project's online evaluation rules with their counters (matched, sampled, scored, queued, errors, judge tokens, cost).",
    request: Empty,
    response: z.object({ rules: z.array(OnlineRuleSchema) }),
  }),
  'online.save': operation({
    summary:
      'Creates (no id) or updates an online rule: a span filter (name exact or glob, kind, attributes), a sample rate 0–1 and scorers shaped as in an evaluation definition; checked like one (unknown types, bad parameters, a missing judge rubric or model are refused with the field). Scores land as feedback on each span (source online, name RULE/SCORER).',
    request: OnlineRuleInputSchema,
    response: z.object({ rule: OnlineRuleSchema }),
  }),
  'online.delete': operation({
    summary: 'Deletes an online rule; the scores it already gave stay on their spans.',
    request: z.object({ id: OnlineRuleIdSchema }).strict(),
    response: z.object({ deleted: z.boolean() }),
  }),
  'online.pause': operation({
    summary: 'Pauses (paused: true) or resumes an online rule. A paused rule scores nothing; spans arriving meanwhile are left to a backfill.',
    request: z.object({ id: OnlineRuleIdSchema, paused: z.boolean() }).strict(),
    response: z.object({ rule: OnlineRuleSchema }),
  }),
  'online.backfill': operation({
    summary: 'Scores a rule over past traces started in [fromMs, toMs), in the background (online.backfill and progress events); spans the rule already scored are not scored again.',
    request: z
      .object({ id: OnlineRuleIdSchema, fromMs: z.number().nonnegative(), toMs: z.number().nonnegative() })
      .strict()
      .refine((r) => r.toMs > r.fromMs, { message: 'must be after fromMs', path: ['toMs'] }),
    response: z.object({ jobId: z.string(), traces: z.number().int().nonnegative() }),
  }),
  'online.cancelBackfill': operation({
    summary: 'Stops a backfill; the spans it had not scored yet are let go (a later backfill may take them).',
    request: z.object({ jobId: z.string().min(1).max(64) }).strict(),
    response: z.object({ cancelled: z.boolean() }),
  }),
} as const

/** Names of all operations. */
export type OperationName = keyof typeof operations

/** All operation names, in declaration order. */
export const OPERATION_NAMES = Object.keys(operations) as OperationName[]

/** What a caller passes to an operation (before defaults are applied). */
export type RequestOf<N extends OperationName> = z.input<(typeof operations)[N]['request']>

/** What an operation's implementation receives (after validation and defaults). */
export type ValidRequestOf<N extends OperationName> = z.output<(typeof operations)[N]['request']>

/** What an operation returns. */
export type ResponseOf<N extends OperationName> = z.output<(typeof operations)[N]['response']>

/** True when `name` is one of the declared operations. */
export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(operations, name)
}

/** Progress of long work (evaluation runs, imports, ingest), keyed by a task id. */
export const ProgressEventSchema = z.object({
  taskId: z.string(),
  label: z.string(),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().nullable(),
  state: z.enum(['running', 'finished', 'failed', 'cancelled']),
  message: z.string().optional(),
})

/** Every event the main side pushes, by name. */
export const events = {
  /** The open project changed (opened, initialised, HEAD moved). */
  'project.changed': z.object({ project: ProjectInfoSchema.nullable() }),
  /** Object files were added, changed or removed. */
  'objects.changed': z.object({ kinds: z.array(ObjectKindSchema) }),
  /** Progress of long-running work. */
  progress: ProgressEventSchema,
  /** Text a streaming run produced. */
  'run.delta': z.object({ runId: z.string(), text: z.string() }),
  /**
   * Spans arrived in a project (coalesced: at most a few events a second).
   * `traceIds` lists touched traces, capped; `spans` counts all of them.
   */
  'traces.added': z.object({ dir: z.string(), traceIds: z.array(z.string()), spans: z.number().int().nonnegative() }),
  /** Feedback on a span of the open project was added or removed. */
  'feedback.changed': z.object({ traceId: z.string(), spanId: z.string() }),
  /**
   * An alert threshold was crossed (`firing`) or is no longer (`resolved`):
   * the desktop raises a notification, the window shows a banner.
   */
  'monitor.alert': z.object({ dir: z.string(), alert: AlertSchema, state: z.enum(['firing', 'resolved']) }),
  /** A command from outside the renderer, e.g. the native menu. */
  'app.command': z.object({ command: z.string() }),
  /**
   * An evaluation run's progress, structured (the `progress` event says the
   * same in words): first when the run exists (done 0), then at most every
   * 100 ms as rows finish, and once at the end with its final state.
   */
  'evals.progress': z.object({
    runId: z.string(),
    name: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    /** Running mean per scorer over the rows done in this session. */
    means: z.record(z.string(), z.number()),
    etaMs: z.number().nonnegative().nullable(),
    state: z.enum(['running', 'finished', 'cancelled', 'failed']),
  }),
  /** Annotations of a queue were stored (by this window or another annotator's). */
  'annotations.changed': z.object({ queue: z.string(), itemIds: z.array(z.string()) }),
  /** Online rules' counters changed (scores stored, spans matched): at most every 250 ms per project. */
  'online.changed': z.object({ dir: z.string(), ruleIds: z.array(z.string()) }),
  /** A backfill's progress: at its start, at most every 100 ms, and at its end. */
  'online.backfill': OnlineBackfillEventSchema,
} as const

/** Names of all events. */
export type EventName = keyof typeof events

/** All event names. */
export const EVENT_NAMES = Object.keys(events) as EventName[]

/** The payload of an event. */
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>

/** True when `name` is one of the declared events. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** One event as it travels over a transport. */
export interface EventEnvelope<E extends EventName = EventName> {
  event: E
  payload: EventOf<E>
}
