/** The left bar: project switcher, the sections in order, and the collapse toggle. */
import { SECTIONS, formatShortcut, findCommand } from '../../../common/commands'
import { useHost } from '../api/ClientContext'
import { ProjectSwitcher } from '../project/ProjectSwitcher'
import { Icon } from '../ui/icons'
import { useAppStore } from './useAppStore'

/** The sidebar. */
export function Sidebar() {
  const { isMac } = useHost()
  const section = useAppStore((s) => s.section)
  const collapsed = useAppStore((s) => s.sidebarCollapsed)
  const toggleShortcut = formatShortcut(findCommand('sidebar.toggle')?.shortcut ?? '', isMac)
  return (
    <aside className={`sidebar ${collapsed ? 'is-collapsed' : ''}`} data-testid="sidebar">
      <ProjectSwitcher collapsed={collapsed} />
      <nav className="sidebar-nav" aria-label="Sections">
        {SECTIONS.map((s, i) => {
          const shortcut = formatShortcut(`Mod+${i + 1}`, isMac)
          return (
            <button
              key={s.id}
              type="button"
              className="nav-item"
              aria-current={s.id === section ? 'page' : undefined}
              data-testid={`section-${s.id}`}
              title={`${s.title} (${shortcut})`}
              onClick={() => useAppStore.getState().goTo(s.id)}
            >
              <Icon name={s.id} />
              <span className={collapsed ? 'visually-hidden' : 'nav-label'}>{s.title}</span>
            </button>
          )
        })}
      </nav>
      <div className="sidebar-footer">
        <button
          type="button"
          className="nav-item"
          aria-label={collapsed ? 'Expand sidebar' : 'Collapse sidebar'}
          aria-expanded={!collapsed}
          title={`Toggle sidebar (${toggleShortcut})`}
          onClick={() => useAppStore.getState().setSidebarCollapsed(!collapsed)}
        >
          <Icon name="sidebar" />
          {!collapsed && <span className="nav-label">Collapse</span>}
        </button>
      </div>
    </aside>
  )
}
