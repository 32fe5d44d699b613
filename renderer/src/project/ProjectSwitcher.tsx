/** The project name at the top of the sidebar and its menu: recent projects, open, new, sample. */
import { useEffect, useRef } from 'react'
import { formatShortcut, findCommand } from '../../../common/commands'
import { useHost } from '../api/ClientContext'
import { runCommand } from '../app/runCommand'
import { useAppStore } from '../app/useAppStore'
import { Icon } from '../ui/icons'
import { forgetRecentProject, openProjectDir } from './projectActions'
import { useProjectStore } from './useProjectStore'

/** The switcher button and, when open, its menu. */
export function ProjectSwitcher({ collapsed }: { collapsed: boolean }) {
  const open = useAppStore((s) => s.overlay === 'switcher')
  const name = useProjectStore((s) => s.project?.name ?? null)
  const dir = useProjectStore((s) => s.project?.dir ?? null)
  const wrapper = useRef<HTMLDivElement>(null)
  const label = name ?? 'No project open'

  useEffect(() => {
    if (!open) return
    const onPointerDown = (e: MouseEvent) => {
      if (!wrapper.current?.contains(e.target as Node)) useAppStore.getState().closeOverlay()
    }
    document.addEventListener('mousedown', onPointerDown)
    return () => document.removeEventListener('mousedown', onPointerDown)
  }, [open])

  return (
    <div className="switcher" ref={wrapper}>
      <button
        type="button"
        className="switcher-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Project: ${label}`}
        title={dir ?? undefined}
        data-testid="project-switcher"
        onClick={() => useAppStore.getState().openOverlay(open ? null : 'switcher')}
      >
        <span className="switcher-mark" aria-hidden="true">
          {(name ?? 'W').slice(0, 1).toUpperCase()}
        </span>
        {!collapsed && <span className="switcher-name">{label}</span>}
        {!collapsed && <Icon name="chevron" size={14} />}
      </button>
      {open && <SwitcherMenu />}
    </div>
  )
}

function SwitcherMenu() {
  const { client, isMac } = useHost()
  const recent = useProjectStore((s) => s.recent)
  const currentDir = useProjectStore((s) => s.project?.dir ?? null)
  const menu = useRef<HTMLDivElement>(null)
  const close = () => useAppStore.getState().closeOverlay()

  useEffect(() => {
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
  }, [])

  const shortcut = (id: string) => {
    const s = findCommand(id)?.shortcut
    return s ? <kbd>{formatShortcut(s, isMac)}</kbd> : null
  }

  return (
    <div ref={menu} className="menu" role="menu" aria-label="Projects" onKeyDown={(e) => onMenuKeyDown(e, menu.current)}>
      {recent.length > 0 && <div className="menu-heading">Recent projects</div>}
      {recent.map((project) => (
        <div key={project.dir} className="menu-row">
          <button
            type="button"
            role="menuitem"
            className="menu-item menu-item-project"
            aria-current={project.dir === currentDir ? 'true' : undefined}
            aria-label={`Open ${project.name}`}
            title={project.dir}
            onClick={() => {
              close()
              void openProjectDir(client, project.dir)
            }}
          >
            <span className="menu-item-title">{project.name}</span>
            <span className="menu-item-detail">{project.dir}</span>
          </button>
          <button
            type="button"
            role="menuitem"
            className="menu-item-remove"
            aria-label={`Remove ${project.name} from recent`}
            title="Remove from recent (the folder is not touched)"
            onClick={() => void forgetRecentProject(client, project.dir)}
          >
            ×
          </button>
        </div>
      ))}
      {recent.length > 0 && <div className="menu-separator" role="separator" />}
      <button type="button" role="menuitem" className="menu-item" onClick={() => runCommand(client, 'project.open')}>
        <span className="menu-item-title">Open folder…</span>
        {shortcut('project.open')}
      </button>
      <button type="button" role="menuitem" className="menu-item" onClick={() => runCommand(client, 'project.new')}>
        <span className="menu-item-title">New project…</span>
        {shortcut('project.new')}
      </button>
      <button type="button" role="menuitem" className="menu-item" onClick={() => runCommand(client, 'project.openSample')}>
        <span className="menu-item-title">Open sample project</span>
      </button>
    </div>
  )
}

// Arrow keys move between items, Escape closes: the usual menu keyboard.
function onMenuKeyDown(event: React.KeyboardEvent, menu: HTMLElement | null): void {
  if (!menu) return
  if (event.key === 'Escape') {
    event.stopPropagation()
    useAppStore.getState().closeOverlay()
    return
  }
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return
  event.preventDefault()
  const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')]
  const index = items.indexOf(document.activeElement as HTMLElement)
  const next =
    event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : (index + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length
  items[next]?.focus()
}
