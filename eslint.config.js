// Lint: typescript-eslint's recommended rules plus the layering of DESIGN.md,
// so a wrong-direction import fails `npm run lint` instead of a review.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

/** no-restricted-imports for a layer: which modules and which folders it may not reach. */
function layer({ modules = [], folders = [], message }) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: modules.map((name) => ({ name, message })),
        patterns: [
          { group: ['node:*'], message, caseSensitive: true },
          ...folders.map((f) => ({ group: [`**/${f}/*`, `**/${f}`], message })),
        ].filter((p) => modules.includes('node:*') || p.group[0] !== 'node:*'),
      },
    ],
  }
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'bench/results/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  // common/: pure TypeScript shared by every process — no runtime at all.
  {
    files: ['common/**/*.ts'],
    ignores: ['common/**/*.test.ts'],
    rules: {
      ...layer({
        modules: ['node:*', ...nodeBuiltins, 'electron', 'react', 'react-dom', 'dexie', 'ws', 'isomorphic-git'],
        folders: ['main', 'renderer', 'preload', 'sdk'],
        message: 'common/ is pure TypeScript: no node:*, DOM, electron or process-specific code (see DESIGN.md)',
      }),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'indexedDB', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  // main/: Node. Only the Electron entry (and files it alone uses) may import electron.
  {
    files: ['main/**/*.ts'],
    ignores: ['main/index.ts', 'main/desktop/**'],
    languageOptions: { globals: globals.node },
    rules: layer({
      modules: ['electron'],
      folders: ['renderer', 'preload'],
      message: 'Only main/index.ts and main/desktop/ import electron; main/ never imports the renderer or preload',
    }),
  },
  {
    files: ['main/index.ts', 'main/desktop/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: layer({ folders: ['renderer', 'preload'], message: 'main/ never imports the renderer or preload' }),
  },
  // preload/: electron + common only.
  {
    files: ['preload/**/*.ts'],
    rules: layer({ folders: ['main', 'renderer'], message: 'preload/ exposes the contract from common/ and imports nothing else of ours' }),
  },
  // renderer/: browser code; talks to main only through renderer/src/api/client.ts.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...layer({
        modules: ['node:*', ...nodeBuiltins, 'electron', 'ws', 'isomorphic-git'],
        folders: ['main', 'preload'],
        message: 'renderer/ runs in the browser: no node:*, electron or main/ imports; use renderer/src/api/client.ts',
      }),
    },
  },
  // sdk/: runs in users' apps; knows only the contract.
  {
    files: ['sdk/**/*.ts'],
    rules: layer({ modules: ['electron'], folders: ['main', 'renderer', 'preload'], message: 'sdk/ depends on common/ only' }),
  },
  {
    files: ['**/*.test.{ts,tsx}', 'tests/**', 'bench/**', 'scripts/**', 'bin/**', '*.config.*'],
    languageOptions: { globals: { ...globals.node } },
  },
)
