/**
 * A model config (default export, for React.lazy): a form of its usual fields
 * beside its YAML in Monaco — both edit the same text — with validation
 * marked in both and saving as a version.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useClient } from '../api/ClientContext'
import { useResolvedTheme } from '../app/theme'
import { CodeEditor } from '../editor/CodeEditor'
import { registerSaveTarget } from '../editor/saveTarget'
import { issueMarkers, useValidation } from '../editor/useValidation'
import '../styles/prompts.css'
import { MODEL_FIELDS, readModelForm, writeModelField } from './modelYaml'
import { editModel, revertModel, saveModel, useModelStore } from './useModelStore'

/** The open model config. */
export default function ModelConfigEditor() {
  const client = useClient()
  const name = useModelStore((s) => s.name)
  const status = useModelStore((s) => s.status)
  const error = useModelStore((s) => s.error)
  if (!name) return null
  return (
    <div className="prompt-pane" data-testid="model-editor">
      {status === 'loading' && <p className="muted pad">Opening {name}…</p>}
      {status === 'failed' && (
        <p className="error-text pad" role="alert">
          Could not open models/{name}.yaml: {error}
        </p>
      )}
      {status === 'ready' && <ReadyEditor name={name} client={client} />}
    </div>
  )
}

function ReadyEditor({ name, client }: { name: string; client: ReturnType<typeof useClient> }) {
  const text = useModelStore((s) => s.text)
  const disk = useModelStore((s) => s.disk)
  const saving = useModelStore((s) => s.saving)
  const saveError = useModelStore((s) => s.saveError)
  const theme = useResolvedTheme()
  const [message, setMessage] = useState('')
  const validation = useValidation(client, 'model', name, text)
  const markers = useMemo(() => issueMarkers(validation.issues), [validation.issues])
  const read = useMemo(() => readModelForm(text), [text])
  const dirty = text !== disk
  const save = async () => {
    if (await saveModel(client, message)) setMessage('')
  }
  // Ctrl/Cmd+S saves this config while it is on screen (the latest message included).
  const saveRef = useRef(save)
  useEffect(() => {
    saveRef.current = save
  })
  useEffect(() => registerSaveTarget(() => void saveRef.current()), [])
  return (
    <>
      <div className="pane-toolbar">
        <span className="pane-title">{name}</span>
        <span className="pane-path">models/{name}.yaml</span>
        <span className="spacer" />
        {dirty && <span className="muted small">Unsaved changes</span>}
        <input
          className="model-message"
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void save()}
          placeholder={`Update model:${name}`}
          aria-label="Version message"
        />
        <button type="button" className="btn btn-small" disabled={!dirty || saving} onClick={() => void revertModel()}>
          Revert
        </button>
        <button type="button" className="btn btn-small btn-primary" disabled={!dirty || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save version'}
        </button>
      </div>
      {saveError && (
        <div className="model-save-error error-text" role="alert" data-testid="model-save-error">
          Not saved: {saveError}
        </div>
      )}
      <div className="model-editor">
        <form
          className="model-form"
          aria-label={`Model config ${name}`}
          onSubmit={(e) => {
            e.preventDefault()
            void save()
          }}
        >
          {read.error !== null && <p className="error-text small">The form cannot read this YAML ({read.error}); fix it in the YAML view.</p>}
          {MODEL_FIELDS.map(({ field, path, label, hint }) => {
            const problems = validation.issues.filter((i) => i.path === path.join('.') || i.path.startsWith(`${path.join('.')}.`))
            return (
              <label key={field} className="field">
                <span className="field-label">{label}</span>
                <input
                  value={read.form?.[field] ?? ''}
                  aria-label={label}
                  disabled={read.form === null}
                  spellCheck={false}
                  aria-invalid={problems.length > 0}
                  onChange={(e) => editModel(writeModelField(text, field, e.target.value))}
                />
                {problems.length > 0 ? (
                  problems.map((p) => (
                    <span key={p.message} className="error-text small">
                      {p.message}
                    </span>
                  ))
                ) : (
                  <span className="field-hint">{hint}</span>
                )}
              </label>
            )
          })}
          {validation.issues
            .filter((i) => !MODEL_FIELDS.some((f) => i.path === f.path.join('.') || i.path.startsWith(`${f.path.join('.')}.`)))
            .map((i) => (
              <p key={`${i.path}:${i.message}`} className="error-text small">
                {i.line ? `Line ${i.line}: ` : ''}
                {i.path ? `${i.path}: ` : ''}
                {i.message}
              </p>
            ))}
          {/* Enter in a field saves, as in a dialog. */}
          <button type="submit" hidden />
        </form>
        <div className="model-yaml">
          <CodeEditor path={`models/${name}.yaml`} value={text} language="yaml" theme={theme} ariaLabel={`Model config ${name} (YAML)`} onChange={editModel} markers={markers} />
        </div>
      </div>
    </>
  )
}
