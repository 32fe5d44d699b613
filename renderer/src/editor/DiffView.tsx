/** The diff view as the rest of the app uses it: Monaco's DiffEditor, fetched on first use. */
import { lazy, Suspense } from 'react'
import { EditorErrorBoundary } from './CodeEditor'
import type { DiffViewProps } from './editorTypes'

// The same lazy chunk family as CodeEditor: opening history never grows the entry bundle.
const MonacoDiffEditor = lazy(() => import('./MonacoDiffEditor'))

/** Shows two texts compared, with a quiet placeholder while Monaco loads. */
export function DiffView(props: DiffViewProps) {
  return (
    <div className="code-editor" data-testid="diff-host">
      <EditorErrorBoundary>
        <Suspense fallback={<div className="code-editor-loading">Loading diff…</div>}>
          <MonacoDiffEditor {...props} />
        </Suspense>
      </EditorErrorBoundary>
    </div>
  )
}
