/** A compact list of object files (name, path, size); clickable when `onOpen` is given. */
import type { ObjectEntry } from '../../../common/schemas/project'
import { Icon } from '../ui/icons'

/** Props of {@link ObjectList}. */
export interface ObjectListProps {
  objects: readonly ObjectEntry[]
  /** Accessible name of the list, e.g. "Prompt files". */
  label: string
  selectedName?: string | null
  /** Names with an unsaved draft get a dot. */
  draftNames?: ReadonlySet<string>
  onOpen?: (entry: ObjectEntry) => void
}

/** Bytes as a short human size. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

/** The list. */
export function ObjectList({ objects, label, selectedName, draftNames, onOpen }: ObjectListProps) {
  return (
    <ul className="object-list" aria-label={label}>
      {objects.map((entry) => {
        const content = (
          <>
            <Icon name="file" size={14} />
            <span className="object-name">{entry.name}</span>
            {draftNames?.has(entry.name) && <span className="draft-dot" title="Unsaved draft" aria-label="unsaved draft" />}
            <span className="object-meta">{formatSize(entry.size)}</span>
          </>
        )
        return (
          <li key={entry.path} title={entry.path}>
            {onOpen ? (
              <button
                type="button"
                className="object-row"
                aria-current={entry.name === selectedName ? 'true' : undefined}
                onClick={() => onOpen(entry)}
              >
                {content}
              </button>
            ) : (
              <div className="object-row">{content}</div>
            )}
          </li>
        )
      })}
    </ul>
  )
}
