/**
 * API keys, as the host keeps them: on desktop, entered here and stored in the
 * OS keychain (never in the project); in web mode and the CLI, read from the
 * environment of the weft process — this dialog then says which variable to
 * set. Key values are never shown or sent back.
 */
import { useEffect, useState, type FormEvent } from 'react'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import { Modal } from '../ui/Modal'
import { useNotices } from '../ui/useNotices'

type Status = { keychain: boolean; keys: Array<{ name: string; source: 'environment' | 'keychain' | null }> }

/** The dialog; `names` adds key names the project's model configs use (api_key_env). */
export function ApiKeysDialog({ onClose, names = [] }: { onClose: () => void; names?: string[] }) {
  const client = useClient()
  const [status, setStatus] = useState<Status | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [name, setName] = useState('OPENAI_API_KEY')
  const [value, setValue] = useState('')
  const namesKey = names.join(',')

  const refresh = () =>
    client
      .call('secrets.status', namesKey ? { names: namesKey.split(',') } : {})
      .then(setStatus)
      .catch((e) => setError(errorMessage(e)))

  useEffect(() => {
    void refresh()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, namesKey])

  const save = async (event: FormEvent) => {
    event.preventDefault()
    try {
      await client.call('secrets.set', { name: name.trim(), value })
      setValue('')
      useNotices.getState().push('info', `${name.trim()} is stored in the OS keychain`)
      await refresh()
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <Modal title="API keys" onClose={onClose} testId="api-keys-dialog" className="modal-form">
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <ul className="api-keys" aria-label="API keys">
        {status?.keys.map((k) => (
          <li key={k.name}>
            <code>{k.name}</code>{' '}
            <span className="muted">{k.source === 'environment' ? 'set in the environment' : k.source === 'keychain' ? 'in the OS keychain' : 'not set'}</span>
            {k.source === 'keychain' && (
              <button type="button" className="btn btn-small" onClick={() => void client.call('secrets.remove', { name: k.name }).then(refresh, (e) => setError(errorMessage(e)))}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {status && !status.keychain && (
        <p className="muted">
          Here keys come from the environment of the <code>weft</code> process: start it with, for example,{' '}
          <code>OPENAI_API_KEY=… npx weft serve</code>. They are never written to the project.
        </p>
      )}
      {status?.keychain && (
        <form onSubmit={(e) => void save(e)}>
          <label className="field">
            <span className="field-label">Name</span>
            <input aria-label="Name" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
          </label>
          <label className="field">
            <span className="field-label">Key</span>
            <input type="password" aria-label="Key" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" spellCheck={false} />
            <span className="field-hint">Encrypted by the OS keychain and kept outside the project.</span>
          </label>
          <div className="modal-actions">
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
            <button type="submit" className="btn btn-primary" disabled={!name.trim() || !value}>
              Store key
            </button>
          </div>
        </form>
      )}
      {status && !status.keychain && (
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      )}
    </Modal>
  )
}
