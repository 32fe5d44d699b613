/** Short messages for the user (mostly failed calls), shown above the status bar. */
import { create } from 'zustand'

/** One message. */
export interface Notice {
  id: number
  tone: 'error' | 'info'
  text: string
}

interface NoticesState {
  notices: Notice[]
  push: (tone: Notice['tone'], text: string) => void
  dismiss: (id: number) => void
}

let nextId = 1

/** The notices store. Keeps the last few so a burst of failures cannot fill the screen. */
export const useNotices = create<NoticesState>()((set) => ({
  notices: [],
  push: (tone, text) => set((s) => ({ notices: [...s.notices, { id: nextId++, tone, text }].slice(-3) })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}))

/** Shows an error notice from anywhere (actions, effects). */
export function reportError(text: string): void {
  useNotices.getState().push('error', text)
}
