import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ClientProvider } from '../api/ClientContext'
import { createFakeClient } from '../test/fakeClient'
import { ApiKeysDialog } from './ApiKeysDialog'

function show(keychain: boolean) {
  const client = createFakeClient()
  const stored = new Map<string, string>()
  client.handle('secrets.status', () => ({
    keychain,
    keys: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY'].map((name) => ({ name, source: stored.has(name) ? ('keychain' as const) : null })),
  }))
  client.handle('secrets.set', ({ name, value }) => {
    stored.set(name, value)
    return { name }
  })
  render(
    <ClientProvider value={{ client, isMac: false }}>
      <ApiKeysDialog onClose={() => {}} />
    </ClientProvider>,
  )
  return { client, stored }
}

describe('ApiKeysDialog', () => {
  it('in web mode says which environment variable to set, and offers no key field', async () => {
    show(false)
    expect(await screen.findByText(/keys come from the environment/)).toBeTruthy()
    expect(screen.queryByLabelText('Key')).toBeNull()
  })

  it('on desktop stores a key in the keychain and never shows it', async () => {
    const { stored } = show(true)
    const key = await screen.findByLabelText('Key')
    fireEvent.change(key, { target: { value: 'sk-secret-value-1' } })
    fireEvent.click(screen.getByRole('button', { name: 'Store key' }))
    await waitFor(() => expect(stored.get('OPENAI_API_KEY')).toBe('sk-secret-value-1'))
    await waitFor(() => expect(screen.getByText('in the OS keychain')).toBeTruthy())
    expect(document.body.textContent).not.toContain('sk-secret-value-1')
  })
})
