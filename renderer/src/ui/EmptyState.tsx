/** The centred "nothing here yet" block every section uses. */
import type { ReactNode } from 'react'

/** Props of {@link EmptyState}. */
export interface EmptyStateProps {
  title: string
  children: ReactNode
  /** Buttons or links under the text. */
  actions?: ReactNode
}

/** A short, factual statement of what will appear here. */
export function EmptyState({ title, children, actions }: EmptyStateProps) {
  return (
    <div className="empty-state">
      <h2 className="empty-state-title">{title}</h2>
      <div className="empty-state-text">{children}</div>
      {actions && <div className="empty-state-actions">{actions}</div>}
    </div>
  )
}
