/** A modal dialog: backdrop, Escape and outside click close it, focus returns where it was. */
import { useEffect, useId, useRef, type ReactNode } from 'react'

/** Props of {@link Modal}. */
export interface ModalProps {
  title: string
  onClose: () => void
  children: ReactNode
  testId?: string
  /** Extra class for the panel (sizes differ: palette, help, forms). */
  className?: string
  /** Hide the visible title (the palette has its own input); it still names the dialog. */
  hideTitle?: boolean
}

/** A modal dialog. */
export function Modal({ title, onClose, children, testId, className, hideTitle }: ModalProps) {
  const titleId = useId()
  const panel = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const returnFocusTo = document.activeElement as HTMLElement | null
    // Focus the first control unless a child already took focus (autoFocus).
    if (panel.current && !panel.current.contains(document.activeElement)) {
      const first = panel.current.querySelector<HTMLElement>('input, button, textarea, [tabindex]:not([tabindex="-1"])')
      ;(first ?? panel.current).focus()
    }
    return () => returnFocusTo?.focus?.()
  }, [])

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={panel}
        className={`modal ${className ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation()
            onClose()
          } else if (e.key === 'Tab') {
            trapTab(e, panel.current)
          }
        }}
      >
        <h2 id={titleId} className={hideTitle ? 'visually-hidden' : 'modal-title'}>
          {title}
        </h2>
        {children}
      </div>
    </div>
  )
}

// Keeps Tab inside the dialog, as aria-modal promises.
function trapTab(event: React.KeyboardEvent, container: HTMLElement | null): void {
  if (!container) return
  const focusable = [...container.querySelectorAll<HTMLElement>('input, button:not(:disabled), textarea, [tabindex]:not([tabindex="-1"])')]
  if (focusable.length === 0) return
  const first = focusable[0]!
  const last = focusable[focusable.length - 1]!
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault()
    first.focus()
  }
}
