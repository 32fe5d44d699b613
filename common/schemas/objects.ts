/**
 * Schemas of the objects a project versions: model configs, scorers,
 * evaluations, dataset rows and prompt front matter. Files are edited by
 * hand, so objects are strict: a misspelt field is an error, not a silent
 * default. main/store/formats/ reads files through these.
 */
import { z } from 'zod'
import { WeftError } from '../errors'
import { parseRef } from '../refs'
import type { ObjectKind } from './project'

/** A reference to an object of one kind (`dataset:tickets@v3`; the `kind:` prefix may be left out). */
export function refSchema(kind: ObjectKind) {
  return z.string({ error: `must be a reference like ${kind}:name@version` }).superRefine((text, ctx) => {
    try {
      const ref = parseRef(text, kind)
      if (ref.kind !== kind) ctx.addIssue({ code: 'custom', message: `must reference a ${kind}, not a ${ref.kind}` })
    } catch (error) {
      // parseRef's message repeats the text; the issue only needs why.
      const why = error instanceof WeftError ? (error.issues?.[0]?.message ?? error.message) : String(error)
      ctx.addIssue({ code: 'custom', message: `is not a valid reference: ${why}` })
    }
  })
}

const TypeIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:@._-]{0,119}$/, 'must be a scorer type like equals, regex or llm-judge')
const ParamsSchema = z.record(z.string(), z.json())
const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })

/** `models/*.yaml`: which provider and model, with what parameters. Never the key itself. */
export const ModelConfigSchema = z.strictObject({
  provider: z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/, 'must be a provider id like openai, anthropic, openai-compatible or echo'),
  model: z.string().trim().min(1, 'must not be empty'),
  base_url: HttpUrlSchema.optional(),
  parameters: z
    .looseObject({
      temperature: z.number().min(0).optional(),
      top_p: z.number().min(0).max(1).optional(),
      max_tokens: z.int().min(1).optional(),
    })
    .catchall(z.json())
    .optional(),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be the NAME of an environment variable (e.g. OPENAI_API_KEY), not the key itself')
    .optional(),
  description: z.string().optional(),
  // Declared only to refuse them with a message that says what to do instead.
  api_key: z.never({ error: 'API keys never go into git: keep it in the OS keychain, or name an environment variable with api_key_env' }).optional(),
  apiKey: z.never({ error: 'API keys never go into git: keep it in the OS keychain, or name an environment variable with api_key_env' }).optional(),
})

/** Parsed model config. */
export type ModelConfig = z.output<typeof ModelConfigSchema>

/**
 * Where a scorer reads its inputs (column mapping): `expected: answer` reads
 * the expected answer from the row's `answer` column instead of `expected`;
 * `output: output.category` scores one field of the target's (JSON) output.
 * Paths are dotted; `row.` and `output.` say which side, a bare path is the row's.
 */
const ColumnsSchema = z.strictObject({
  expected: z.string().min(1).max(200).optional(),
  output: z.string().min(1).max(200).optional(),
})

/** `scorers/*.yaml`: a reusable scorer — a built-in type with its parameters (a judge rubric, a regex, code). */
export const ScorerDefinitionSchema = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a built-in scorer type like equals, regex, llm-judge or javascript'),
  params: ParamsSchema.default({}),
  columns: ColumnsSchema.optional(),
  description: z.string().max(2000).optional(),
})

/** Parsed scorer definition. */
export type ScorerDefinition = z.output<typeof ScorerDefinitionSchema>

/**
 * One scorer as an evaluation uses it: a built-in `type`, or `scorer:NAME@v`
 * naming a reusable scorer (its params are the base, these override them).
 */
export const EvaluationScorerSchema = z.strictObject({
  /** The name results use (unique in the evaluation). */
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter: letters, digits, _ . - (at most 64)'),
  type: TypeIdSchema,
  params: ParamsSchema.default({}),
  columns: ColumnsSchema.optional(),
})

/** The system under test: a prompt version × a model config, or an HTTP endpoint. */
export const EvaluationTargetSchema = z
  .strictObject({
    prompt: refSchema('prompt').optional(),
    model: refSchema('model').optional(),
    http: z
      .strictObject({
        url: HttpUrlSchema,
        method: z.enum(['POST', 'PUT'], { error: 'must be POST or PUT' }).default('POST'),
        headers: z.record(z.string(), z.string()).default({}),
        timeoutMs: z.int().positive().max(600_000).default(60_000),
        /**
         * How long to wait for the app's own spans of a row (sent to Weft's ingest
         * server) before step and trajectory scorers read them; default 2000 ms
         * when the evaluation has such scorers, else none.
         */
        traceWaitMs: z.int().min(0).max(60_000).optional(),
      })
      .optional(),
  })
  .superRefine((t, ctx) => {
    if (t.http && (t.prompt || t.model)) ctx.addIssue({ code: 'custom', message: 'is either {prompt, model} or {http: {url}}, not both' })
    else if (!t.http && !(t.prompt && t.model)) {
      ctx.addIssue({ code: 'custom', message: t.prompt || t.model ? `needs a ${t.prompt ? 'model' : 'prompt'} too: a prompt runs on a model config` : 'needs {prompt, model} or {http: {url}}' })
    }
  })

/** `evals/*.yaml`: dataset × target × scorers × trials × thresholds — what the engine runs, checked before any call. */
export const EvaluationDefinitionSchema = z
  .strictObject({
    description: z.string().max(2000).optional(),
    dataset: refSchema('dataset'),
    target: EvaluationTargetSchema,
    scorers: z.array(EvaluationScorerSchema).min(1, 'needs at least one scorer'),
    trials: z.int().min(1).max(100).default(1),
    /** Rows in flight at once. */
    concurrency: z.int().min(1).max(256).default(4),
    /** Calls in flight at once per provider (`openai: 8`), below `concurrency` when a provider's rate limit needs it. */
    providerConcurrency: z.record(z.string().min(1), z.int().min(1).max(256)).default({}),
    /** Per row: a slower or dearer answer fails the constraint (scored as `constraint.latency` / `constraint.cost`). */
    constraints: z.strictObject({ maxLatencyMs: z.number().positive().optional(), maxCostUsd: z.number().nonnegative().optional() }).default({}),
    /** Per scorer id, the pass rate (or mean) a run must reach; `overall` is the share of rows that passed every scorer without an error. */
    thresholds: z.record(z.string(), z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1')).default({}),
  })
  .superRefine((evaluation, ctx) => {
    const seen = new Set<string>()
    evaluation.scorers.forEach((scorer, i) => {
      if (seen.has(scorer.id)) ctx.addIssue({ code: 'custom', path: ['scorers', i, 'id'], message: `duplicate scorer id "${scorer.id}"` })
      seen.add(scorer.id)
    })
    for (const key of Object.keys(evaluation.thresholds)) {
      if (key !== 'overall' && !seen.has(key)) ctx.addIssue({ code: 'custom', path: ['thresholds', key], message: `no scorer has the id "${key}" (${[...seen].join(', ')})` })
    }
  })

/** Parsed evaluation definition (defaults filled). */
export type EvaluationDefinition = z.output<typeof EvaluationDefinitionSchema>

/** The longest dataset row id. */
export const MAX_ROW_ID_LENGTH = 200

/** One dataset row: any JSON object with a stable string `id`. */
export const DatasetRowSchema = z.looseObject({
  id: z
    .string({ error: 'every row needs an "id" that is a string' })
    .min(1, 'id must not be empty')
    .max(MAX_ROW_ID_LENGTH, `id is longer than ${MAX_ROW_ID_LENGTH} characters`),
})

/** One dataset row. */
export type DatasetRow = z.output<typeof DatasetRowSchema>

const PICO_SCALARS = ['any', 'boolean', 'integer', 'null', 'number', 'string']

/** Type part of a Picoschema string (`string, the customer's message` → `string`), as dotprompt splits it. */
function picoType(text: string): string {
  const comma = text.indexOf(',')
  return comma === -1 ? text : text.slice(0, comma)
}

/**
 * Checks a Picoschema the way dotprompt's PicoschemaParser reads it, but
 * synchronously and with the path of each problem (dotprompt's parser is
 * async and says neither where nor which field). Stricter in two places:
 * a field with no type (null) and a bare list are refused, not guessed.
 */
function checkPicoschema(value: unknown, ctx: z.RefinementCtx, path: (string | number)[], top: boolean): void {
  const issue = (message: string, at = path) => ctx.addIssue({ code: 'custom', path: at, message })
  if (typeof value === 'string') {
    const type = picoType(value)
    if (!PICO_SCALARS.includes(type)) {
      issue(`unknown type "${type}": use ${PICO_SCALARS.join(', ')}, or a field with (object), (array) or (enum) (named schemas are not supported)`)
    }
    return
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issue('expected a type (e.g. "string, a description") or a map of fields')
    return
  }
  const obj = value as Record<string, unknown>
  // dotprompt treats a top-level map with a JSON Schema `type` or `properties` as JSON Schema.
  if (top && ([...PICO_SCALARS, 'object', 'array'].includes(obj.type as string) || (typeof obj.properties === 'object' && obj.properties !== null))) return
  for (const [key, field] of Object.entries(obj)) {
    const at = [...path, key]
    if (key === '(*)') {
      checkPicoschema(field, ctx, at, false)
      continue
    }
    const open = key.indexOf('(')
    const name = (open === -1 ? key : key.slice(0, open)).replace(/\?$/, '')
    if (!/^[A-Za-z_$][\w$-]*$/.test(name)) {
      issue(`"${name}" is not a usable field name`, at)
      continue
    }
    if (open === -1) {
      checkPicoschema(field, ctx, at, false)
      continue
    }
    if (!key.endsWith(')')) {
      issue(`"${key}" needs a closing ")"`, at)
      continue
    }
    const type = picoType(key.slice(open + 1, -1))
    if (type === 'enum') {
      if (!Array.isArray(field) || field.length === 0) issue('(enum) needs a list of values, e.g. [billing, bug]', at)
    } else if (type === 'array') {
      checkPicoschema(field, ctx, at, false)
    } else if (type === 'object') {
      if (typeof field !== 'object' || field === null || Array.isArray(field)) issue('(object) needs a map of fields', at)
      else checkPicoschema(field, ctx, at, false)
    } else {
      issue(`unknown parenthetical type "${type}": use (object), (array) or (enum)`, at)
    }
  }
}

/** A Picoschema (or JSON Schema) as dotprompt accepts it in `input.schema` / `output.schema`. */
export const PicoschemaSchema = z.unknown().superRefine((value, ctx) => {
  if (value !== null && value !== undefined) checkPicoschema(value, ctx, [], true)
})

/** Front-matter fields dotprompt reads; any other field must be an extension (`myext.key`). */
const PROMPT_FIELDS = ['name', 'variant', 'version', 'description', 'model', 'tools', 'toolDefs', 'config', 'input', 'output', 'metadata']

/** A prompt's YAML front matter, as dotprompt reads it. */
export const PromptFrontMatterSchema = z
  .looseObject({
    name: z.string().optional(),
    variant: z.string().optional(),
    version: z.string().optional(),
    description: z.string().optional(),
    model: z.string().min(1).optional(),
    tools: z.array(z.string().min(1)).optional(),
    toolDefs: z
      .array(
        z.looseObject({
          name: z.string().min(1),
          description: z.string().optional(),
          inputSchema: z.record(z.string(), z.json()),
          outputSchema: z.record(z.string(), z.json()).optional(),
        }),
      )
      .optional(),
    config: ParamsSchema.optional(),
    input: z.strictObject({ schema: PicoschemaSchema.optional(), default: ParamsSchema.optional() }).optional(),
    output: z.strictObject({ format: z.string().min(1).optional(), schema: PicoschemaSchema.optional() }).optional(),
    metadata: ParamsSchema.optional(),
  })
  .superRefine((front, ctx) => {
    // dotprompt drops unknown fields silently; a typo like `modle:` must not vanish.
    for (const key of Object.keys(front)) {
      if (!PROMPT_FIELDS.includes(key) && !key.includes('.')) {
        ctx.addIssue({ code: 'custom', path: [key], message: `unknown field "${key}" (extension fields need a namespace, like myapp.${key})` })
      }
    }
  })

/** Parsed prompt front matter. */
export type PromptFrontMatter = z.output<typeof PromptFrontMatterSchema>
