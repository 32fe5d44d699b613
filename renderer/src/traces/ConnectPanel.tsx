/**
 * How to point an app at Weft: the ingest endpoint, the project's token, and
 * the few lines each kind of app needs (Weft SDK, OpenTelemetry, W&B Weave).
 */
import { useState } from 'react'
import type { ResponseOf } from '../../../common/contract'
import { WeaveDatasets } from './WeaveDatasets'

type IngestInfo = ResponseOf<'ingest.info'>

const TABS = ['Weft SDK', 'OpenTelemetry', 'W&B Weave'] as const

function snippet(tab: (typeof TABS)[number], url: string, token: string): string {
  switch (tab) {
    case 'Weft SDK':
      return `# in the app's environment
WEFT_ENDPOINT=${url}
WEFT_TOKEN=${token}

// in the app
import { init, op, wrapOpenAI } from 'weft/sdk'
init()
const answer = op(async (question) => { /* … */ }, { name: 'answer', kind: 'chain' })`
    case 'OpenTelemetry':
      return `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${url}/v1/traces
OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer ${token}"
# JSON or protobuf over HTTP; GenAI (gen_ai.*) and OpenInference attributes are understood`
    case 'W&B Weave':
      return `WF_TRACE_SERVER_URL=${url}
WANDB_API_KEY=${token}

// unchanged Weave code; give the project as entity/project
await weave.init('local/my-app')`
  }
}

/** Copies text, saying so for a moment. */
function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <button
      type="button"
      className="btn btn-small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true)
          setTimeout(() => setCopied(false), 1500)
        })
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  )
}

/** The panel. */
export function ConnectPanel({ info, onRotate }: { info: IngestInfo; onRotate: () => void }) {
  const [tab, setTab] = useState<(typeof TABS)[number]>('Weft SDK')
  const [shown, setShown] = useState(false)
  const url = info.url ?? 'http://127.0.0.1:4319'
  return (
    <div className="connect-panel" data-testid="connect-panel">
      {info.error && (
        <p className="connect-error" role="alert">
          Not receiving traces: {info.error}
        </p>
      )}
      <dl className="connect-facts">
        <dt>Endpoint</dt>
        <dd>
          <code data-testid="ingest-url">{url}</code> <CopyButton text={url} label="Copy" />
        </dd>
        <dt>Token</dt>
        <dd>
          <code data-testid="ingest-token">{shown ? info.token : `${info.token.slice(0, 9)}${'•'.repeat(12)}`}</code>{' '}
          <button type="button" className="btn btn-small" onClick={() => setShown(!shown)}>
            {shown ? 'Hide' : 'Show'}
          </button>{' '}
          <CopyButton text={info.token} label="Copy" />{' '}
          <button
            type="button"
            className="btn btn-small"
            title="Apps using the current token will be refused"
            onClick={() => window.confirm('Replace the ingest token? Apps using the current one will be refused.') && onRotate()}
          >
            New token
          </button>
        </dd>
      </dl>
      <div className="connect-tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={t === tab} className={`connect-tab${t === tab ? ' active' : ''}`} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      <pre className="connect-snippet" data-testid="connect-snippet">{snippet(tab, url, shown ? info.token : '<token>')}</pre>
      <div>
        <CopyButton text={snippet(tab, url, info.token)} label="Copy with token" />
      </div>
      {tab === 'W&B Weave' && <WeaveDatasets />}
      <p className="connect-note">
        Also from a terminal: <code>weft token</code>. The token is kept in <code>.weft/ingest-token</code>, which git ignores.
      </p>
    </div>
  )
}
