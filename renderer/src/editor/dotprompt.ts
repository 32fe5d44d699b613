/**
 * A small Monarch grammar for Dotprompt files: YAML front matter between `---`
 * lines, then a Handlebars body. Enough to make keys, strings, comments and
 * `{{variables}}` / `{{#if}}` blocks stand out; not a full YAML tokenizer.
 */
import type { languages } from 'monaco-editor/editor/editor.api'

/** The language id registered with Monaco. */
export const DOTPROMPT_LANGUAGE_ID = 'dotprompt'

/** Brackets, comments and auto-closing pairs. */
export const dotpromptConfiguration: languages.LanguageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [
    ['{{', '}}'],
    ['{', '}'],
    ['[', ']'],
  ],
  autoClosingPairs: [
    { open: '{{', close: '}}' },
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '"', close: '"', notIn: ['string'] },
  ],
}

/** The tokenizer. */
export const dotpromptLanguage: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenizer: {
    // A `---` line opens front matter; after its closing `---` everything is body.
    root: [
      [/^---\s*$/, { token: 'delimiter', next: '@frontMatter' }],
      { include: '@body' },
    ],
    frontMatter: [
      [/^---\s*$/, { token: 'delimiter', next: '@bodyOnly' }],
      [/#.*$/, 'comment'],
      // Every group must match (possibly empty): Monarch reads each group's length.
      [/^(\s*)((?:-\s+)?)([\w.?-]+)(\s*:)/, ['white', 'delimiter', 'type', 'delimiter']],
      [/"([^"\\]|\\.)*"/, 'string'],
      [/'[^']*'/, 'string'],
      [/\b(true|false|null)\b/, 'keyword'],
      [/-?\d+(\.\d+)?\b/, 'number'],
      [/[{}[\],]/, 'delimiter'],
      // A plain scalar may contain quotes after its first character (customer's).
      [/[^#"'{}[\],\s][^#{}[\],]*/, 'string.unquoted'],
      [/\s+/, 'white'],
    ],
    bodyOnly: [{ include: '@body' }],
    body: [
      [/\{\{!--/, { token: 'comment', next: '@hbsLongComment' }],
      [/\{\{!/, { token: 'comment', next: '@hbsComment' }],
      [/\{\{\{?[#/^]?/, { token: 'delimiter.handlebars', next: '@handlebars' }],
      [/[^{]+/, ''],
      [/\{/, ''],
    ],
    handlebars: [
      [/\}?\}\}/, { token: 'delimiter.handlebars', next: '@pop' }],
      [/\b(if|else|unless|each|with|role|media|history|section|json)\b/, 'keyword'],
      [/"[^"]*"|'[^']*'/, 'string'],
      [/-?\d+(\.\d+)?/, 'number'],
      [/[\w.@-]+(?==)/, 'attribute.name'],
      [/[\w.@/-]+/, 'variable'],
      [/\s+/, ''],
      [/./, 'delimiter'],
    ],
    hbsComment: [
      [/\}\}/, { token: 'comment', next: '@pop' }],
      [/[^}]+|\}/, 'comment'],
    ],
    hbsLongComment: [
      [/--\}\}/, { token: 'comment', next: '@pop' }],
      [/[^-]+|-/, 'comment'],
    ],
  },
}
