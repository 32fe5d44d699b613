/** Props of the code editor, declared apart from it so importing them never pulls Monaco in. */

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
}
