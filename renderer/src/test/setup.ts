// IndexedDB for Dexie in jsdom.
import 'fake-indexeddb/auto'
import { cleanup } from '@testing-library/react'
import { createElement } from 'react'
import { afterEach, vi } from 'vitest'
import type { CodeEditorProps } from '../editor/editorTypes'

// Monaco does not run in jsdom: every test gets a textarea with the same props.
vi.mock('../editor/MonacoEditor', () => ({
  default: (props: CodeEditorProps) =>
    createElement('textarea', {
      'aria-label': props.ariaLabel,
      value: props.value,
      readOnly: props.readOnly,
      onChange: (e: { target: { value: string } }) => props.onChange?.(e.target.value),
    }),
}))

// cmdk scrolls the selected item into view and measures its list; jsdom has neither.
Element.prototype.scrollIntoView ??= function scrollIntoView() {}
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver

// Testing Library only auto-cleans when test globals are on; they are not here.
afterEach(() => cleanup())
