/**
 * One Monaco editor (default export, for React.lazy): the text, its
 * validation markers and `{{ }}` variable completion. Lives in the lazy
 * Monaco chunk with monacoSetup.ts.
 */
import { useEffect, useRef } from 'react'
import Editor from '@monaco-editor/react'
import { DOTPROMPT_LANGUAGE_ID } from './dotprompt'
import type { CodeEditorProps, EditorMarker } from './editorTypes'
import { EDITOR_OPTIONS, monaco } from './monacoSetup'

const MARKER_OWNER = 'weft'
const SEVERITY = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info }

// Completion reads the names of whichever editor asks, by model URI: one provider serves every prompt editor.
const variablesByModel = new Map<string, readonly string[]>()

monaco.languages.registerCompletionItemProvider(DOTPROMPT_LANGUAGE_ID, {
  triggerCharacters: ['{', ' ', '#'],
  provideCompletionItems(model, position) {
    const before = model.getValueInRange({ startLineNumber: position.lineNumber, startColumn: 1, endLineNumber: position.lineNumber, endColumn: position.column })
    const open = before.lastIndexOf('{{')
    // Only inside an open `{{ … ` on this line, and not in a comment.
    if (open === -1 || before.indexOf('}}', open) !== -1 || before[open + 2] === '!') return { suggestions: [] }
    const word = model.getWordUntilPosition(position)
    const range = { startLineNumber: position.lineNumber, endLineNumber: position.lineNumber, startColumn: word.startColumn, endColumn: word.endColumn }
    const names = variablesByModel.get(model.uri.toString()) ?? []
    return {
      suggestions: names.map((name, i) => ({
        label: name,
        kind: monaco.languages.CompletionItemKind.Variable,
        detail: 'input variable',
        insertText: name,
        sortText: String(i).padStart(4, '0'),
        range,
      })),
    }
  },
})

function toMarkerData(marker: EditorMarker, model: monaco.editor.ITextModel): monaco.editor.IMarkerData {
  const line = Math.min(Math.max(1, marker.startLineNumber), model.getLineCount())
  const endLine = Math.min(Math.max(line, marker.endLineNumber), model.getLineCount())
  return {
    severity: SEVERITY[marker.severity],
    message: marker.message,
    startLineNumber: line,
    startColumn: marker.startColumn,
    endLineNumber: endLine,
    endColumn: marker.endColumn ?? model.getLineMaxColumn(endLine),
  }
}

// Puts markers and completion names on whatever model the editor shows (it swaps models by path).
function syncModel(editor: monaco.editor.IStandaloneCodeEditor | null, markers: CodeEditorProps['markers'], variables: CodeEditorProps['variables']): void {
  const model = editor?.getModel()
  if (!model) return
  variablesByModel.set(model.uri.toString(), variables ?? [])
  // Lines past the end (the text changed since validation) are clamped, not dropped.
  monaco.editor.setModelMarkers(model, MARKER_OWNER, (markers ?? []).map((m) => toMarkerData(m, model)))
}

/** The editor component (default export, for React.lazy). */
export default function MonacoEditor({ path, value, language, theme, readOnly, ariaLabel, onChange, markers, variables }: CodeEditorProps) {
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null)
  useEffect(() => syncModel(editorRef.current, markers, variables), [path, markers, variables])

  return (
    <Editor
      path={path}
      value={value}
      language={language}
      theme={theme === 'dark' ? 'weft-dark' : 'weft-light'}
      loading={null}
      options={{ ...EDITOR_OPTIONS, readOnly: readOnly ?? false, ariaLabel }}
      onChange={(next) => onChange?.(next ?? '')}
      // A model left over for this path (same file opened earlier) keeps its old text;
      // the file may have changed since, so the editor starts from `value`.
      onMount={(editor) => {
        editorRef.current = editor
        if (editor.getValue() !== value) editor.setValue(value)
        syncModel(editor, markers, variables)
      }}
    />
  )
}
