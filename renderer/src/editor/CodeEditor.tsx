/** The code editor as the rest of the app uses it: Monaco, fetched on first use. */
import { Component, lazy, Suspense, type ReactNode } from 'react'
import type { CodeEditorProps } from './editorTypes'

// Its own chunk: the entry bundle stays free of Monaco until an editor is shown.
const MonacoEditor = lazy(() => import('./MonacoEditor'))

/** Shows Monaco for one file, with a quiet placeholder while its chunk loads. */
export function CodeEditor(props: CodeEditorProps) {
  return (
    <div className="code-editor" data-testid="monaco-host">
      <EditorErrorBoundary>
        <Suspense fallback={<div className="code-editor-loading">Loading editor…</div>}>
          <MonacoEditor {...props} />
        </Suspense>
      </EditorErrorBoundary>
    </div>
  )
}

/** Shows why an editor chunk failed to load; a failed load (the app was updated underneath) must not take the window down. */
export class EditorErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null }

  static getDerivedStateFromError(error: Error) {
    return { error }
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="code-editor-loading" role="alert">
          The editor could not be loaded: {this.state.error.message}. Reload the window to try again.
        </div>
      )
    }
    return this.props.children
  }
}
