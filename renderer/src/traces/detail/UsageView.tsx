/** Token usage per model and the span's cost. */
import { formatCost } from '../format'
import type { DetailSpan } from './spanTypes'
import '../../styles/span-detail.css'

/** Props of UsageView: the span's `usage` (per model name) and `costUsd`. */
export type UsageViewProps = Pick<DetailSpan, 'usage' | 'costUsd'>

/** A small table of input, output and total tokens per model, with the cost; nothing when both are unknown. */
export function UsageView({ usage, costUsd }: UsageViewProps) {
  const models = Object.entries(usage)
  if (models.length === 0 && costUsd === null) return null
  const total = models.reduce((t, [, u]) => ({ in: t.in + u.inputTokens, out: t.out + u.outputTokens }), { in: 0, out: 0 })
  return (
    <section className="span-payload payload usage" data-testid="span-usage">
      <header className="payload-header">
        <h3>Usage</h3>
        {costUsd !== null && <span className="usage-cost">{formatCost(costUsd)}</span>}
      </header>
      {models.length > 0 && (
        <table className="attr-table usage-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Input</th>
              <th scope="col">Output</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {models.map(([model, u]) => (
              <tr key={model}>
                <th scope="row" className="attr-key">
                  {model}
                </th>
                <td>{u.inputTokens.toLocaleString()}</td>
                <td>{u.outputTokens.toLocaleString()}</td>
                <td>{(u.inputTokens + u.outputTokens).toLocaleString()}</td>
              </tr>
            ))}
            {models.length > 1 && (
              <tr className="usage-total">
                <th scope="row">All models</th>
                <td>{total.in.toLocaleString()}</td>
                <td>{total.out.toLocaleString()}</td>
                <td>{(total.in + total.out).toLocaleString()}</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  )
}
