/** Props of the code editor, declared apart from it so importing them never pulls Monaco in. */

/** A problem to underline in the editor (1-based lines and columns; end column exclusive). */
export interface EditorMarker {
  severity: 'error' | 'warning' | 'info'
  message: string
  startLineNumber: number
  startColumn: number
  endLineNumber: number
  /** Omit to underline to the end of the line. */
  endColumn?: number
}

/** A text editor for one file. */
export interface CodeEditorProps {
  /** Identifies the file; each path keeps its own undo history. */
  path: string
  value: string
  /** A Monaco language id: `dotprompt`, `yaml`, `json`, `plaintext`. */
  language: string
  theme: 'light' | 'dark'
  readOnly?: boolean
  /** Accessible name of the editing area. */
  ariaLabel: string
  onChange?: (value: string) => void
  /** Problems to mark inline; replaced as a whole on every change. */
  markers?: readonly EditorMarker[]
  /** Variable names offered inside `{{ }}` (dotprompt only). */
  variables?: readonly string[]
}

/** Two texts compared side by side (or inline). */
export interface DiffViewProps {
  original: string
  modified: string
  language: string
  theme: 'light' | 'dark'
  /** Side by side when true, one column with removed and added lines when false. */
  sideBySide: boolean
  /** Labels of the two sides (e.g. v1 and v3), for screen readers. */
  ariaLabel: string
}
