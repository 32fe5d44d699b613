/**
 * Hands the transport client to components. Only main.tsx imports the real
 * client module (it connects on import); tests pass a fake through this.
 */
import { createContext, useContext, type ReactNode } from 'react'
import type { RendererClient } from './client'

/** What the app needs from its host: the client and whether shortcuts read ⌘. */
export interface HostContextValue {
  client: RendererClient
  isMac: boolean
}

const HostContext = createContext<HostContextValue | null>(null)

/** Provides the client to everything below it. */
export function ClientProvider({ value, children }: { value: HostContextValue; children: ReactNode }) {
  return <HostContext.Provider value={value}>{children}</HostContext.Provider>
}

/** The host context; throws outside a ClientProvider, which is a programming error. */
export function useHost(): HostContextValue {
  const value = useContext(HostContext)
  if (!value) throw new Error('useHost() needs a <ClientProvider> above it')
  return value
}

/** The workbench client. */
export function useClient(): RendererClient {
  return useHost().client
}
