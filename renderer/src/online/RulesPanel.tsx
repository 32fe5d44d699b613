/**
 * Online evaluation rules (issue 10): each rule with what it has done —
 * spans matched, scored, waiting, errors, what its judges cost — kept live
 * by `online.changed`; create and edit, pause and resume, backfill over a
 * time range, delete (after a confirmation; the scores stay on the spans).
 */
import { useCallback, useEffect, useState } from 'react'
import { useClient } from '../api/ClientContext'
import { errorMessage } from '../api/errors'
import '../styles/online.css'
import { EmptyState } from '../ui/EmptyState'
import { BackfillForm } from './BackfillForm'
import { RuleEditor } from './RuleEditor'
import { describeFilter, draftOf, emptyDraft, formatUsd, type Rule, type RuleDraft } from './ruleDraft'

/** How often counters are fetched again at most while scores arrive. */
const RELOAD_EVERY_MS = 500

/** The panel (the Monitor section's "Rules" tab). */
export function RulesPanel() {
  const client = useClient()
  const [rules, setRules] = useState<Rule[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [editing, setEditing] = useState<RuleDraft | null>(null)
  const [backfilling, setBackfilling] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<string | null>(null)

  const load = useCallback(
    () =>
      client.call('online.rules', {}).then(
        ({ rules: list }) => {
          setRules(list)
          setError(null)
        },
        (caught: unknown) => setError(errorMessage(caught)),
      ),
    [client],
  )

  useEffect(() => {
    void load()
    let timer: ReturnType<typeof setTimeout> | null = null
    const soon = () => (timer ??= setTimeout(() => ((timer = null), void load()), RELOAD_EVERY_MS))
    const stops = [client.on('online.changed', soon), client.on('project.changed', () => void load())]
    return () => {
      if (timer) clearTimeout(timer)
      stops.forEach((stop) => stop())
    }
  }, [client, load])

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work()
      await load()
    } catch (caught) {
      setError(errorMessage(caught))
    }
  }

  const newRule = async () => {
    const { objects } = await client.call('objects.list', {}).catch(() => ({ objects: [] as Array<{ kind: string; name: string }> }))
    setEditing(emptyDraft({ prompt: objects.find((o) => o.kind === 'prompt')?.name, model: objects.find((o) => o.kind === 'model')?.name }))
  }

  return (
    <section className="online-rules" aria-labelledby="online-rules-title">
      <header className="online-rules-head">
        <div>
          <h2 id="online-rules-title">Online evaluation rules</h2>
          <p className="muted">Score production spans in the background as they arrive. Each score is stored on its span as feedback named RULE/SCORER.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => void newRule()} disabled={editing !== null}>
          New rule
        </button>
      </header>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {editing && (
        <RuleEditor
          initial={editing}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null)
            void load()
          }}
        />
      )}
      {rules && rules.length === 0 && !editing && (
        <EmptyState title="No online rules yet">
          <p>A rule picks spans by name, kind and attributes, samples a share of them, and scores each with any scorer an evaluation can use — an LLM judge included.</p>
        </EmptyState>
      )}
      {rules && rules.length > 0 && (
        <table className="online-rule-table">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Sample</th>
              <th scope="col" className="num">Matched</th>
              <th scope="col" className="num">Scored</th>
              <th scope="col" className="num">Waiting</th>
              <th scope="col" className="num">Errors</th>
              <th scope="col" className="num">Judge cost</th>
              <th scope="col">Last score</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <RuleRow
                key={rule.id}
                rule={rule}
                backfilling={backfilling === rule.id}
                deleting={deleting === rule.id}
                onEdit={() => setEditing(draftOf(rule))}
                onPause={() => void act(() => client.call('online.pause', { id: rule.id, paused: !rule.paused }))}
                onBackfill={() => setBackfilling(backfilling === rule.id ? null : rule.id)}
                onDelete={() => setDeleting(rule.id)}
                onConfirmDelete={() => void act(async () => {
                  setDeleting(null)
                  await client.call('online.delete', { id: rule.id })
                })}
                onCancelDelete={() => setDeleting(null)}
                onCloseBackfill={() => setBackfilling(null)}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

interface RuleRowProps {
  rule: Rule
  backfilling: boolean
  deleting: boolean
  onEdit(): void
  onPause(): void
  onBackfill(): void
  onDelete(): void
  onConfirmDelete(): void
  onCancelDelete(): void
  onCloseBackfill(): void
}

function RuleRow({ rule, backfilling, deleting, ...on }: RuleRowProps) {
  const c = rule.counters
  return (
    <>
      <tr className={rule.paused ? 'online-rule paused' : 'online-rule'} data-testid={`online-rule-${rule.name}`}>
        <td>
          <div className="online-rule-name">
            {rule.name}
            <span className={rule.paused ? 'online-state paused' : 'online-state active'}>{rule.paused ? 'Paused' : 'Active'}</span>
          </div>
          <div className="online-rule-detail">
            {describeFilter(rule.filter)} → {rule.scorers.map((s) => `${s.id} (${s.type})`).join(', ')}
          </div>
          {c.lastError && c.errors > 0 && <div className="online-rule-error" title={c.lastError}>Last error: {c.lastError}</div>}
        </td>
        <td>{Math.round(rule.sampleRate * 1000) / 10}%</td>
        <td className="num" data-testid="rule-matched">{c.matched}</td>
        <td className="num" data-testid="rule-scored">{c.scored}</td>
        <td className="num" data-testid="rule-queued">{c.queued}</td>
        <td className={c.errors ? 'num online-errors' : 'num'} data-testid="rule-errors">{c.errors}</td>
        <td className="num" title={`${c.judgeTokens} judge tokens`} data-testid="rule-cost">
          {formatUsd(c.costUsd)}
        </td>
        <td className="muted online-when">{c.lastScoredMs ? new Date(c.lastScoredMs).toLocaleTimeString() : '—'}</td>
        <td className="online-rule-actions">
          <button type="button" className="btn btn-small" onClick={on.onEdit}>
            Edit
          </button>
          <button type="button" className="btn btn-small" onClick={on.onPause} aria-label={`${rule.paused ? 'Resume' : 'Pause'} ${rule.name}`}>
            {rule.paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" className="btn btn-small" onClick={on.onBackfill} disabled={rule.paused} title={rule.paused ? 'Resume the rule to backfill' : 'Score past traces'}>
            Backfill
          </button>
          <button type="button" className="btn btn-small" onClick={on.onDelete} aria-label={`Delete ${rule.name}`}>
            Delete
          </button>
        </td>
      </tr>
      {deleting && (
        <tr className="online-rule-extra">
          <td colSpan={9}>
            <div className="online-confirm" role="alertdialog" aria-label={`Delete ${rule.name}?`}>
              <span>Delete the rule “{rule.name}”? The {c.scored} spans it scored keep their scores.</span>
              <button type="button" className="btn btn-small btn-danger" onClick={on.onConfirmDelete}>
                Delete rule
              </button>
              <button type="button" className="btn btn-small" onClick={on.onCancelDelete}>
                Keep it
              </button>
            </div>
          </td>
        </tr>
      )}
      {backfilling && (
        <tr className="online-rule-extra">
          <td colSpan={9}>
            <BackfillForm rule={rule} onClose={on.onCloseBackfill} />
          </td>
        </tr>
      )}
    </>
  )
}
