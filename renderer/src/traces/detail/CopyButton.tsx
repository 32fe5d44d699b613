/** A small "Copy" button that puts text on the clipboard and says so. */
import { useEffect, useState } from 'react'

/** Copies `text()` (computed on click, so big payloads cost nothing until asked). */
export function CopyButton({ text, label = 'Copy' }: { text: () => string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 1500)
    return () => clearTimeout(timer)
  }, [state])
  const copy = () => {
    // navigator.clipboard is missing outside secure contexts; say so rather than throw.
    const write = navigator.clipboard?.writeText(text())
    if (!write) return setState('failed')
    write.then(
      () => setState('copied'),
      () => setState('failed'),
    )
  }
  return (
    <button type="button" className="btn btn-small" onClick={copy} aria-live="polite">
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  )
}
