/**
 * Light/dark. CSS does the work: the variables use light-dark(), so with no
 * override the page follows the OS; an explicit choice sets `color-scheme`
 * through `data-theme` on <html>. Monaco needs its own theme name, hence
 * useResolvedTheme.
 */
import { useEffect, useSyncExternalStore } from 'react'
import type { ThemePreference } from '../state/db'
import { useAppStore } from './useAppStore'

const DARK_QUERY = '(prefers-color-scheme: dark)'

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches
}

function subscribeToSystemTheme(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => {}
  const query = window.matchMedia(DARK_QUERY)
  query.addEventListener('change', onChange)
  return () => query.removeEventListener('change', onChange)
}

/** Writes the theme choice onto <html> (`data-theme` absent = follow the OS). */
export function applyThemePreference(theme: ThemePreference): void {
  const root = document.documentElement
  if (theme === 'system') delete root.dataset.theme
  else root.dataset.theme = theme
}

/** Keeps <html> in step with the stored theme choice. */
export function useThemeSync(): void {
  const theme = useAppStore((s) => s.theme)
  useEffect(() => applyThemePreference(theme), [theme])
}

/** The theme actually shown, following the OS when the choice is `system`. */
export function useResolvedTheme(): 'light' | 'dark' {
  const theme = useAppStore((s) => s.theme)
  const systemDark = useSyncExternalStore(subscribeToSystemTheme, systemPrefersDark, () => false)
  if (theme === 'system') return systemDark ? 'dark' : 'light'
  return theme
}
