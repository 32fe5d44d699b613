/**
 * The open prompt (default export, for React.lazy): the editor with inline
 * checks, and beside it the live preview or the history. Comparing two
 * versions replaces the editor until the diff is closed. Lazy so its YAML
 * reader and panels stay out of the entry bundle.
 */
import { useEffect, useMemo } from 'react'
import { useClient } from '../api/ClientContext'
import { useResolvedTheme } from '../app/theme'
import { CodeEditor } from '../editor/CodeEditor'
import '../styles/prompts.css'
import { ComparisonView } from './ComparisonView'
import { DraftNotice } from './DraftNotice'
import { HistoryPanel } from './HistoryPanel'
import { PreviewPanel } from './PreviewPanel'
import { SaveDialog } from './PromptDialogs'
import { completionNames, outlinePrompt } from './promptSource'
import { resetHistory, useHistoryStore } from './useHistoryStore'
import { usePromptChecks } from './usePromptChecks'
import { editPrompt, setPromptEditorShown, usePromptsStore, type PromptsState } from './usePromptsStore'

/** The editor, its checks, and the side panel. */
export default function PromptWorkbench() {
  const name = usePromptsStore((s) => s.name)
  const status = usePromptsStore((s) => s.status)
  const error = usePromptsStore((s) => s.error)
  const panel = usePromptsStore((s) => s.panel)
  const comparing = useHistoryStore((s) => s.comparison !== null && s.name === name)

  // The save dialog lives here: Ctrl+S asks for a message only while it can be shown.
  useEffect(() => {
    setPromptEditorShown(true)
    return () => setPromptEditorShown(false)
  }, [])

  // Another prompt's history (and comparison) must not linger.
  useEffect(() => {
    if (useHistoryStore.getState().name !== name) resetHistory()
  }, [name])

  if (!name) return null
  return (
    <div className="prompt-pane">
      <div className="pane-toolbar">
        <span className="pane-title">{name}</span>
        <span className="pane-path">prompts/{name}.prompt</span>
        <span className="spacer" />
        <div className="segmented" role="tablist" aria-label="Side panel">
          <PanelTab id="preview" label="Preview" current={panel} />
          <PanelTab id="history" label="History" current={panel} />
        </div>
      </div>
      <DraftNotice />
      {status === 'loading' && <p className="muted pad">Opening {name}…</p>}
      {status === 'failed' && (
        <p className="error-text pad" role="alert">
          Could not open prompts/{name}.prompt: {error}
        </p>
      )}
      {status === 'ready' && (
        <div className="prompt-work">
          <div className="prompt-main">{comparing ? <ComparisonView name={name} /> : <CheckedEditor name={name} />}</div>
          <aside className="prompt-side">{panel === 'history' ? <HistoryPanel name={name} /> : <LivePreview />}</aside>
        </div>
      )}
      <SaveDialog />
    </div>
  )
}

function PanelTab({ id, label, current }: { id: PromptsState['panel']; label: string; current: PromptsState['panel'] }) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={current === id}
      className={`segment${current === id ? ' active' : ''}`}
      onClick={() => usePromptsStore.setState({ panel: id })}
    >
      {label}
    </button>
  )
}

function CheckedEditor({ name }: { name: string }) {
  const client = useClient()
  const text = usePromptsStore((s) => s.text)
  const theme = useResolvedTheme()
  const checks = usePromptChecks(client, name, text)
  const variables = useMemo(() => completionNames(checks.outline), [checks.outline])
  const problems = checks.markers.length
  return (
    <>
      <CodeEditor
        path={`prompts/${name}.prompt`}
        value={text}
        language="dotprompt"
        theme={theme}
        ariaLabel={`Prompt ${name}`}
        onChange={editPrompt}
        markers={checks.markers}
        variables={variables}
      />
      <div className={`check-bar${problems ? ' has-problems' : ''}`} data-testid="prompt-checks" role="status">
        {checks.error
          ? `Not checked: ${checks.error}`
          : problems === 0
            ? 'No problems'
            : checks.markers.map((m) => `${m.startLineNumber}: ${m.message}`).join(' · ')}
      </div>
    </>
  )
}

function LivePreview() {
  const text = usePromptsStore((s) => s.text)
  const outline = useMemo(() => outlinePrompt(text), [text])
  return <PreviewPanel text={text} outline={outline} />
}
