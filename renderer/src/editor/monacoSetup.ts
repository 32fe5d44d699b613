/**
 * Monaco, loaded from the bundle, set up once for every editor Weft shows.
 * Nothing outside the lazily imported editor modules may import this file, or
 * Monaco lands in the entry chunk.
 *
 * It uses the slim editor API plus only the editor features and languages
 * Weft needs (the full `monaco-editor` entry adds ~80 languages and four
 * language services).
 */
import * as monaco from 'monaco-editor/editor/editor.api'
// Editor features: find/replace, context menu, clipboard, comments, folding, bracket
// matching, word highlight, line operations, multi-cursor, word-based suggest.
// Hover and gotoError show the messages of validation markers (F8 walks them);
// diffEditor gives the history's compare view its navigation and accessibility.
import 'monaco-editor/features/codicon/register'
import 'monaco-editor/features/hover/register'
import 'monaco-editor/features/gotoError/register'
import 'monaco-editor/features/diffEditor/register'
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
// features/suggest registers only inline completions; the suggest widget (variable
// completion inside {{ }}) is this controller, which editor.main pulls in and the slim API does not.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController'
// Languages: registered here, tokenizers fetched on first use (their own small chunks).
import 'monaco-editor/languages/definitions/yaml/register'
import 'monaco-editor/languages/definitions/markdown/register'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import { loader } from '@monaco-editor/react'
import { DOTPROMPT_LANGUAGE_ID, dotpromptConfiguration, dotpromptLanguage } from './dotprompt'

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

/** Options every Weft editor shares. */
export const EDITOR_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
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

/** The monaco namespace, set up. */
export { monaco }
