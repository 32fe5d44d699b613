/**
 * Checks the prompt being edited without ever holding up typing: the outline
 * (variables) is computed locally at once; the main side's validation runs a
 * moment after typing pauses (editor/useValidation.ts).
 */
import { useMemo } from 'react'
import type { WorkbenchClient } from '../../../common/client'
import type { EditorMarker } from '../editor/editorTypes'
import { issueMarkers, useValidation, type ValidationIssue } from '../editor/useValidation'
import { outlinePrompt, unknownVariables, type PromptOutline } from './promptSource'

/** Markers for validation issues (whole line) and for variables input.schema does not declare. */
export function markersFor(issues: readonly ValidationIssue[], outline: PromptOutline): EditorMarker[] {
  const fromUnknown: EditorMarker[] = unknownVariables(outline).map((use) => ({
    severity: 'warning',
    message: `"${use.name}" is not declared in input.schema — add it there, or fix the name`,
    startLineNumber: use.line,
    startColumn: use.startColumn,
    endLineNumber: use.line,
    endColumn: use.endColumn,
  }))
  return [...issueMarkers(issues), ...fromUnknown]
}

/** The checks of one prompt's text. */
export interface PromptChecks {
  outline: PromptOutline
  issues: ValidationIssue[]
  markers: EditorMarker[]
  /** Validation could not run (connection lost); the editor keeps working. */
  error: string | null
}

/** Outline at once, validation debounced. */
export function usePromptChecks(client: WorkbenchClient, name: string, text: string): PromptChecks {
  const outline = useMemo(() => outlinePrompt(text), [text])
  const { issues, error } = useValidation(client, 'prompt', name, text)
  const markers = useMemo(() => markersFor(issues, outline), [issues, outline])
  return { outline, issues, markers, error }
}
