/**
 * The Weft SDK, imported by users' apps: trace functions with `op()`, scope
 * attributes with `withAttributes()`, wrap or auto-instrument the OpenAI and
 * Anthropic clients, read prompts and datasets back from Weft, and run
 * evaluations in the app's process with `evaluate()`. It depends
 * on common/ types only (lint enforces it) and on nothing outside Node.
 */
export { SDK_VERSION } from './version'
export { init, stats, flush, shutdown, type InitOptions } from './client'
export type { ExportStats } from './exporter'
export { op, withAttributes, currentSpan, continueTrace, type OpOptions } from './op'
export type { SpanKind, Attributes, ModelUsage } from './span'
export { toJsonSafe } from './serialize'
export { wrapOpenAI } from './llm/openai'
export { wrapAnthropic } from './llm/anthropic'
export { instrument, type InstrumentModules } from './llm/instrument'
export { getPrompt, getDataset, WeftReadError, type Prompt, type Dataset, type ObjectVersion, type ReadOptions, type RenderedPrompt } from './read'
export { evaluate, type EvaluateOptions, type EvaluateResult, type EvaluateProgress, type ScorerFunction, type ScorerInput, type ScorerResult, type EvalDatasetRow, type EvalRow, type EvalSummary, type EvalSpan } from './evaluate'
