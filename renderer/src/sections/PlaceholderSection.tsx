/** A section with no data source yet: a heading and an honest statement of what it will hold. */
import type { ReactNode } from 'react'
import { EmptyState } from '../ui/EmptyState'

/** Props of {@link PlaceholderSection}. */
export interface PlaceholderSectionProps {
  title: string
  emptyTitle: string
  children: ReactNode
}

/** The section. */
export function PlaceholderSection({ title, emptyTitle, children }: PlaceholderSectionProps) {
  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header">
        <h1 id="section-title">{title}</h1>
      </header>
      <div className="section-body">
        <EmptyState title={emptyTitle}>{children}</EmptyState>
      </div>
    </section>
  )
}
