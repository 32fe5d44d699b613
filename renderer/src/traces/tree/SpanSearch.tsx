/**
 * Search within a trace: `/` opens a box, every span whose name contains the
 * text is highlighted, Enter jumps to the next match (Shift+Enter the
 * previous) and Escape closes the box and returns to the tree.
 */
import { useDeferredValue, useLayoutEffect, useMemo, useState, type RefObject } from 'react'

/** The spans whose name contains `query` (case-insensitive), in pre-order. */
export function findMatches(names: readonly string[], query: string): Int32Array {
  const needle = query.trim().toLowerCase()
  if (!needle) return new Int32Array(0)
  const out: number[] = []
  for (let i = 0; i < names.length; i++) if (names[i]!.includes(needle)) out.push(i)
  return Int32Array.from(out)
}

/** The match after (or before, with `backwards`) span `from`, wrapping around; -1 when none. */
export function nextMatch(matches: Int32Array, from: number, backwards = false): number {
  if (matches.length === 0) return -1
  if (backwards) {
    for (let k = matches.length - 1; k >= 0; k--) if (matches[k]! < from) return matches[k]!
    return matches[matches.length - 1]!
  }
  for (let k = 0; k < matches.length; k++) if (matches[k]! > from) return matches[k]!
  return matches[0]!
}

/** The search's state: whether the box is open, its text, and a per-span match flag. */
export function useSpanSearch(spans: readonly { name: string }[]) {
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const names = useMemo(() => spans.map((s) => s.name.toLowerCase()), [spans])
  // Typing renders first; the pass over every span follows.
  const deferred = useDeferredValue(open ? query : '')
  const matches = useMemo(() => findMatches(names, deferred), [names, deferred])
  const isMatch = useMemo(() => {
    const flags = new Uint8Array(names.length)
    for (const i of matches) flags[i] = 1
    return flags
  }, [matches, names.length])
  /** Matches of the text as typed (not deferred): Enter right after typing must not use a stale list. */
  const currentMatches = () => findMatches(names, query)
  return { open, setOpen, query, setQuery, matches, isMatch, currentMatches }
}

/** The search box above the tree. */
export function SpanSearchBox({ inputRef, query, onQuery, matchCount, place, onNext, onClose }: {
  inputRef: RefObject<HTMLInputElement | null>
  query: string
  onQuery: (query: string) => void
  matchCount: number
  /** 1-based place of the selected span among the matches, 0 when it is not one. */
  place: number
  onNext: (backwards: boolean) => void
  onClose: () => void
}) {
  // Focused as it mounts, before the next keystroke: a character typed right after `/` lands in the box.
  useLayoutEffect(() => {
    inputRef.current?.focus()
    inputRef.current?.select()
  }, [inputRef])
  return (
    <div className="st-search" role="search">
      <input
        ref={inputRef}
        className="st-search-input"
        aria-label="Search spans by name"
        placeholder="Search spans by name"
        value={query}
        onChange={(e) => onQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            onNext(e.shiftKey)
          } else if (e.key === 'Escape') {
            e.preventDefault()
            onClose()
          }
        }}
      />
      <span className="st-search-count" aria-live="polite">
        {query.trim() ? (matchCount ? `${place ? `${place} of ` : ''}${matchCount.toLocaleString()} match${matchCount === 1 ? '' : 'es'}` : 'No matches') : ''}
      </span>
      <button type="button" className="btn btn-small" onClick={onClose} aria-label="Close search">
        Esc
      </button>
    </div>
  )
}
