/**
 * A section that is not built yet but whose files already exist: it says what
 * it will hold and lists the project's files of its kinds (real data).
 */
import type { ReactNode } from 'react'
import { OBJECT_LAYOUT, type ObjectKind } from '../../../common/schemas/project'
import { ObjectList } from '../objects/ObjectList'
import { useObjects } from '../objects/useObjectsStore'
import { useProjectStore } from '../project/useProjectStore'

/** One kind of file listed in the section. */
export interface FileGroup {
  kind: ObjectKind
  /** Heading, e.g. "Model configs". */
  label: string
}

/** Props of {@link ObjectFilesSection}. */
export interface ObjectFilesSectionProps {
  title: string
  /** What the section will hold, in one or two factual sentences. */
  intro: ReactNode
  groups: readonly FileGroup[]
}

/** The section. */
export function ObjectFilesSection({ title, intro, groups }: ObjectFilesSectionProps) {
  return (
    <section className="section-page" aria-labelledby="section-title">
      <header className="section-header">
        <h1 id="section-title">{title}</h1>
      </header>
      <div className="section-body section-body-padded">
        <p className="section-intro">{intro}</p>
        {groups.map((group) => (
          <KindFiles key={group.kind} group={group} />
        ))}
      </div>
    </section>
  )
}

function KindFiles({ group }: { group: FileGroup }) {
  const projectDir = useProjectStore((s) => s.project?.dir ?? null)
  const listing = useObjects(group.kind, projectDir)
  const { folder, extensions } = OBJECT_LAYOUT[group.kind]
  return (
    <div className="file-group">
      <h2 className="file-group-title">
        {group.label} <span className="file-group-folder">{folder}/</span>
      </h2>
      {listing.status === 'loading' && <p className="muted">Loading…</p>}
      {listing.status === 'failed' && (
        <p className="error-text" role="alert">
          Could not list {folder}/: {listing.error}
        </p>
      )}
      {listing.status === 'ready' &&
        (listing.objects.length === 0 ? (
          <p className="muted">
            No {extensions.join(' or ')} files in {folder}/ yet.
          </p>
        ) : (
          <ObjectList objects={listing.objects} label={`${group.label} files`} />
        ))}
    </div>
  )
}
