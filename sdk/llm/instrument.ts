/**
 * Auto-instrumentation: patch the installed OpenAI and Anthropic client
 * classes so every client, wherever it is created, is traced. Node may hold
 * two copies of each package (CommonJS and ESM builds, distinct classes), so
 * both are patched. Wrapping a client as well never counts a call twice (see
 * trace.ts).
 */
import { createRequire } from 'node:module'
import { instrumentAnthropicModule } from './anthropic'
import { instrumentOpenAIModule } from './openai'

/** Modules to patch instead of the installed ones (e.g. `{ openai: OpenAI }` from `import OpenAI from 'openai'`). */
export interface InstrumentModules {
  openai?: unknown
  anthropic?: unknown
}

const PACKAGES = { openai: 'openai', anthropic: '@anthropic-ai/sdk' } as const

function patch(which: keyof typeof PACKAGES, module: unknown): string[] {
  return which === 'openai' ? instrumentOpenAIModule(module) : instrumentAnthropicModule(module)
}

/** The CommonJS copies, resolved from the app's working directory and from its main script. */
function requireCopies(which: keyof typeof PACKAGES): unknown[] {
  const found: unknown[] = []
  // Not import.meta.url: the CommonJS build has no import.meta, and the app's copy is the one that matters.
  for (const from of [`${process.cwd()}/`, process.argv[1]]) {
    if (!from) continue
    try {
      found.push(createRequire(from)(PACKAGES[which]))
    } catch {}
  }
  return found
}

/**
 * Patches the OpenAI (chat.completions.create, responses.create) and Anthropic
 * (messages.create) client classes. The CommonJS copies are patched before this
 * returns; await it for the ESM copies. Resolves with what was patched.
 */
export async function instrument(modules?: InstrumentModules): Promise<string[]> {
  const patched: string[] = []
  try {
    if (modules) {
      for (const which of ['openai', 'anthropic'] as const) if (modules[which] !== undefined) patched.push(...patch(which, modules[which]))
      return patched
    }
    for (const which of ['openai', 'anthropic'] as const) for (const module of requireCopies(which)) patched.push(...patch(which, module))
    for (const which of ['openai', 'anthropic'] as const) {
      try {
        patched.push(...patch(which, await import(PACKAGES[which])))
      } catch {}
    }
  } catch {}
  return [...new Set(patched)]
}
