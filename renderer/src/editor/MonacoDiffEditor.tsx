/** Monaco's diff editor (default export, for React.lazy); lives in the lazy Monaco chunk. */
import { useEffect, useRef } from 'react'
import { DiffEditor } from '@monaco-editor/react'
import type { DiffViewProps } from './editorTypes'
import { EDITOR_OPTIONS, type monaco } from './monacoSetup'

/** Two versions, read-only, side by side or inline. */
export default function MonacoDiffEditor({ original, modified, language, theme, sideBySide, ariaLabel }: DiffViewProps) {
  const models = useRef<monaco.editor.IDiffEditorModel | null>(null)
  // @monaco-editor/react disposes the models before the widget on unmount, which Monaco
  // reports as an uncaught error; it keeps them instead, and they go once the widget is gone.
  useEffect(
    () => () => {
      const kept = models.current
      setTimeout(() => {
        kept?.original.dispose()
        kept?.modified.dispose()
      }, 0)
    },
    [],
  )
  return (
    <DiffEditor
      keepCurrentOriginalModel
      keepCurrentModifiedModel
      onMount={(editor) => {
        models.current = editor.getModel()
      }}
      original={original}
      modified={modified}
      language={language}
      theme={theme === 'dark' ? 'weft-dark' : 'weft-light'}
      loading={null}
      options={{
        ...EDITOR_OPTIONS,
        readOnly: true,
        originalEditable: false,
        renderSideBySide: sideBySide,
        // Below this width Monaco would silently switch to inline; the toggle decides instead.
        renderSideBySideInlineBreakpoint: 0,
        ariaLabel,
      }}
    />
  )
}
