/**
 * Validation of unsaved text by the main side (`objects.validate`), a moment
 * after typing pauses. Typing never waits on it, and only the newest answer
 * is kept.
 */
import { useEffect, useState } from 'react'
import type { WorkbenchClient } from '../../../common/client'
import type { ObjectKind } from '../../../common/schemas/project'
import { errorMessage } from '../api/errors'
import type { EditorMarker } from './editorTypes'

/** How long typing must pause before the text is sent for validation. */
export const VALIDATE_DELAY_MS = 350

/** One problem `objects.validate` reported. */
export interface ValidationIssue {
  path: string
  message: string
  file?: string
  line?: number
}

/** The issues of the latest validated text; `error` when validation could not run (the editor keeps working). */
export function useValidation(client: WorkbenchClient, kind: ObjectKind, name: string, text: string): { issues: ValidationIssue[]; error: string | null } {
  const [result, setResult] = useState<{ issues: ValidationIssue[]; error: string | null }>({ issues: [], error: null })
  useEffect(() => {
    let live = true
    const timer = setTimeout(() => {
      client
        .call('objects.validate', { kind, name, content: text })
        .then((r) => live && setResult({ issues: r.issues, error: null }))
        .catch((error: unknown) => live && setResult({ issues: [], error: errorMessage(error) }))
    }, VALIDATE_DELAY_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [client, kind, name, text])
  return result
}

/** Whole-line error markers for issues (`path: message`, the path left out when it says nothing). */
export function issueMarkers(issues: readonly ValidationIssue[]): EditorMarker[] {
  return issues.map((issue) => ({
    severity: 'error',
    message: issue.path && issue.path !== 'template' ? `${issue.path}: ${issue.message}` : issue.message,
    startLineNumber: issue.line ?? 1,
    startColumn: 1,
    endLineNumber: issue.line ?? 1,
  }))
}
