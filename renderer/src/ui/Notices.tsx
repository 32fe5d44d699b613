/** Error and info messages, stacked bottom right; each can be dismissed. */
import { useNotices } from './useNotices'

/** The notices stack. */
export function Notices() {
  const notices = useNotices((s) => s.notices)
  if (notices.length === 0) return null
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <span className="notice-text">{n.text}</span>
          <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => useNotices.getState().dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
