/**
 * Monitoring (issue 10): dashboards over stored span metrics (volume, errors,
 * latency percentiles, tokens, cost per op or model over time), the online
 * scorers' results, and alert thresholds on them.
 */
import { z } from 'zod'
import { SpanKindSchema } from './span'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Bucket sizes a dashboard draws, in ms (1 min … 1 day). */
export const MONITOR_BUCKETS_MS = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY] as const

/** At most this many buckets: the automatic size is the smallest that stays under it. */
export const MONITOR_MAX_POINTS = 200

/** The longest range a dashboard covers. */
export const MONITOR_MAX_RANGE_MS = 400 * DAY

/** The bucket size chosen for a range: 1h → 1 min, 24h → 15 min, 7d → 1 h, 30d → 6 h. */
export function autoBucketMs(rangeMs: number): number {
  return MONITOR_BUCKETS_MS.find((b) => rangeMs / b <= MONITOR_MAX_POINTS) ?? DAY
}

/** How series are split. */
export const MonitorGroupBySchema = z.enum(['none', 'op', 'model'])

const opField = z.string().min(1, 'must not be empty').max(1000, 'is longer than 1,000 characters')
/** A model name; '' means spans that name no model. */
const modelField = z.string().max(200, 'is longer than 200 characters')

/** `monitor.query`'s request. */
export const MonitorQuerySchema = z
  .object({
    fromMs: z.number().nonnegative(),
    toMs: z.number().nonnegative(),
    /** One of {@link MONITOR_BUCKETS_MS}; chosen from the range when absent. */
    bucketMs: z
      .number()
      .refine((b) => (MONITOR_BUCKETS_MS as readonly number[]).includes(b), 'must be 60000, 300000, 900000, 3600000, 21600000 or 86400000 (1 min … 1 day)')
      .optional(),
    groupBy: MonitorGroupBySchema.default('none'),
    op: opField.optional(),
    model: modelField.optional(),
    kind: SpanKindSchema.optional(),
    /** Groups drawn on their own; the rest are summed as "other". */
    top: z.number().int().min(1).max(20).default(8),
  })
  .strict()
  .refine((r) => r.toMs > r.fromMs, { message: 'must be after fromMs', path: ['toMs'] })
  .refine((r) => r.toMs - r.fromMs <= MONITOR_MAX_RANGE_MS, { message: 'the range is longer than 400 days', path: ['fromMs'] })
  .refine((r) => r.bucketMs === undefined || (r.toMs - r.fromMs) / r.bucketMs <= 2000, { message: 'gives more than 2,000 buckets for this range', path: ['bucketMs'] })

const nullableNumbers = z.array(z.number().nullable())

/** One metric per bucket (aligned with the response's timestamps). */
export const MetricSeriesSchema = z.object({
  count: z.array(z.number()),
  errors: z.array(z.number()),
  /** errors / count; null where no span finished. */
  errorRate: nullableNumbers,
  p50Ms: nullableNumbers,
  p95Ms: nullableNumbers,
  p99Ms: nullableNumbers,
  inputTokens: z.array(z.number()),
  outputTokens: z.array(z.number()),
  costUsd: z.array(z.number()),
})

/** A group's numbers over the whole range. */
export const MetricTotalsSchema = z.object({
  count: z.number(),
  errors: z.number(),
  errorRate: z.number().nullable(),
  meanMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
})

/** One line of the dashboard: an op, a model, everything, or the rest ("other"). */
export const MetricGroupSchema = z.object({
  /** The op or model name ('' = no model); null for everything (groupBy none) and for "other". */
  key: z.string().nullable(),
  label: z.string(),
  other: z.boolean(),
  series: MetricSeriesSchema,
  totals: MetricTotalsSchema,
})

/** An online scorer's results (feedback with source `online`, by the scored span's start). */
export const ScoreSeriesSchema = z.object({
  /** `<rule>/<scorer>`. */
  name: z.string(),
  mean: nullableNumbers,
  passRate: nullableNumbers,
  count: z.array(z.number()),
  totals: z.object({ count: z.number(), mean: z.number().nullable(), passRate: z.number().nullable() }),
})

/** `monitor.query`'s answer: columnar series per group, totals, and online scores. */
export const MonitorResultSchema = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  bucketMs: z.number(),
  /** The start of each bucket. */
  timestamps: z.array(z.number()),
  groupBy: MonitorGroupBySchema,
  groups: z.array(MetricGroupSchema),
  /** Every group together (the filters applied). */
  total: MetricTotalsSchema,
  scores: z.array(ScoreSeriesSchema),
})

/** `monitor.ops`'s answer: what has been seen, for pickers. */
export const MonitorOpsSchema = z.object({
  ops: z.array(z.object({ name: z.string(), count: z.number() })),
  models: z.array(z.object({ name: z.string(), count: z.number() })),
  kinds: z.array(z.string()),
  scores: z.array(z.string()),
})

/** What an alert watches. */
export const ALERT_METRICS = ['errorRate', 'p50Ms', 'p95Ms', 'p99Ms', 'volume', 'costPerHour', 'scoreMean', 'scorePassRate'] as const

/** One of {@link ALERT_METRICS}. */
export const AlertMetricSchema = z.enum(ALERT_METRICS)

/** How a value is compared with the threshold. */
export const AlertComparatorSchema = z.enum(['>', '>=', '<', '<='])

/** An alert as it is saved (id absent: a new one). */
export const AlertInputSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (at most 64)').optional(),
    name: z.string().trim().min(1, 'must not be empty').max(200, 'is longer than 200 characters'),
    metric: AlertMetricSchema,
    /** The online score (`<rule>/<scorer>`) a score metric watches. */
    scoreName: z.string().min(1).max(300).optional(),
    op: opField.optional(),
    model: modelField.optional(),
    comparator: AlertComparatorSchema,
    /** Error and pass rates are fractions (0.05 = 5%), latencies ms, cost USD per hour, volume spans in the window. */
    threshold: z.number().refine(Number.isFinite, 'must be a finite number'),
    windowMinutes: z.number().int().min(1, 'must be at least 1').max(1440, 'must be at most 1440 (a day)').default(5),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((a) => !a.metric.startsWith('score') || a.scoreName !== undefined, { message: 'a score alert names the score (rule/scorer)', path: ['scoreName'] })
  .refine((a) => !(a.metric === 'errorRate' || a.metric === 'scorePassRate') || (a.threshold >= 0 && a.threshold <= 1), { message: 'a rate is a fraction between 0 and 1', path: ['threshold'] })

/** Whether an alert's threshold is crossed now. */
export const AlertStateSchema = z.enum(['ok', 'firing', 'disabled'])

/** A saved alert with its current state. */
export const AlertSchema = z.object({
  id: z.string(),
  name: z.string(),
  metric: AlertMetricSchema,
  scoreName: z.string().nullable(),
  op: z.string().nullable(),
  model: z.string().nullable(),
  comparator: AlertComparatorSchema,
  threshold: z.number(),
  windowMinutes: z.number(),
  enabled: z.boolean(),
  state: AlertStateSchema,
  /** The metric over the last window at the last check; null when there was nothing to measure. */
  value: z.number().nullable(),
  /** When the state last changed. */
  changedMs: z.number().nullable(),
})

/** A saved alert with its current state. */
export type Alert = z.infer<typeof AlertSchema>

/** How each alert metric is named in words. */
export const ALERT_METRIC_LABELS: Record<z.infer<typeof AlertMetricSchema>, string> = {
  errorRate: 'error rate', p50Ms: 'p50 latency', p95Ms: 'p95 latency', p99Ms: 'p99 latency', volume: 'volume',
  costPerHour: 'cost per hour', scoreMean: 'mean score', scorePassRate: 'pass rate',
}

/** A metric value as people read it: 12.5%, 830 ms, $1.20/h, 42 spans. */
export function formatAlertValue(metric: z.infer<typeof AlertMetricSchema>, value: number | null): string {
  if (value === null) return 'no data'
  if (metric === 'errorRate' || metric === 'scorePassRate') return `${(value * 100).toFixed(1)}%`
  if (metric.endsWith('Ms')) return `${Math.round(value)} ms`
  if (metric === 'costPerHour') return `$${value.toFixed(2)}/h`
  if (metric === 'volume') return `${value} spans`
  return value.toFixed(2)
}
