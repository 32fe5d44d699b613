/**
 * Monaco, loaded from the bundle in its own lazily imported chunk. Nothing
 * outside this file may import monaco-editor at runtime, or Monaco lands in
 * the entry chunk.
 *
 * It uses the slim editor API plus only the editor features and languages
 * Weft needs (the full `monaco-editor` entry adds ~80 languages and four
 * language services).
 */
import * as monaco from 'monaco-editor/editor/editor.api'
// Editor features: find/replace, context menu, clipboard, comments, folding, bracket
// matching, word highlight, line operations, multi-cursor, word-based suggest.
// No hover: none of these languages provides hovers.
import 'monaco-editor/features/codicon/register'
import 'monaco-editor/features/find/register'
import 'monaco-editor/features/contextmenu/register'
import 'monaco-editor/features/clipboard/register'
import 'monaco-editor/features/comment/register'
import 'monaco-editor/features/folding/register'
import 'monaco-editor/features/bracketMatching/register'
import 'monaco-editor/features/wordHighlighter/register'
import 'monaco-editor/features/linesOperations/register'
import 'monaco-editor/features/multicursor/register'
import 'monaco-editor/features/wordOperations/register'
import 'monaco-editor/features/suggest/register'
// Languages: registered here, tokenizers fetched on first use (their own small chunks).
import 'monaco-editor/languages/definitions/yaml/register'
import 'monaco-editor/languages/definitions/markdown/register'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import Editor, { loader } from '@monaco-editor/react'
import { DOTPROMPT_LANGUAGE_ID, dotpromptConfiguration, dotpromptLanguage } from './dotprompt'
import type { CodeEditorProps } from './editorTypes'

// Without an explicit getWorker, Vite would inline the worker as a data: URL
// that the CSP (and Monaco) refuse; this is the bundled worker file.
self.MonacoEnvironment = { getWorker: () => new EditorWorker() }
// Hand the bundled Monaco to @monaco-editor/react so it never fetches one from a CDN.
loader.config({ monaco })

if (!monaco.languages.getLanguages().some((l) => l.id === DOTPROMPT_LANGUAGE_ID)) {
  monaco.languages.register({ id: DOTPROMPT_LANGUAGE_ID, extensions: ['.prompt'], aliases: ['Dotprompt'] })
  monaco.languages.setMonarchTokensProvider(DOTPROMPT_LANGUAGE_ID, dotpromptLanguage)
  monaco.languages.setLanguageConfiguration(DOTPROMPT_LANGUAGE_ID, dotpromptConfiguration)
}

// Monaco's own themes with the app's background (keep in step with --bg in styles/base.css).
monaco.editor.defineTheme('weft-light', { base: 'vs', inherit: true, rules: [], colors: { 'editor.background': '#ffffff' } })
monaco.editor.defineTheme('weft-dark', { base: 'vs-dark', inherit: true, rules: [], colors: { 'editor.background': '#1a1b1e' } })

const OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  minimap: { enabled: false },
  fontSize: 13,
  lineHeight: 20,
  // The system monospace stack; no web fonts are shipped or fetched.
  fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  scrollBeyondLastLine: false,
  wordWrap: 'on',
  renderLineHighlight: 'line',
  padding: { top: 8, bottom: 8 },
  automaticLayout: true,
  tabSize: 2,
  fixedOverflowWidgets: true,
}

/** The editor component (default export, for React.lazy). */
export default function MonacoEditor({ path, value, language, theme, readOnly, ariaLabel, onChange }: CodeEditorProps) {
  return (
    <Editor
      path={path}
      value={value}
      language={language}
      theme={theme === 'dark' ? 'weft-dark' : 'weft-light'}
      loading={null}
      options={{ ...OPTIONS, readOnly: readOnly ?? false, ariaLabel }}
      onChange={(next) => onChange?.(next ?? '')}
      // A model left over for this path (same file opened earlier) keeps its old text;
      // the file may have changed since, so the editor starts from `value`.
      onMount={(editor) => {
        if (editor.getValue() !== value) editor.setValue(value)
      }}
    />
  )
}
