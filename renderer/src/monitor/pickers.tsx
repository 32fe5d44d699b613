/** The op and model pickers the dashboard's filters and the alert form share. */
import type { ResponseOf } from '../../../common/contract'
import { NO_MODEL } from './useMonitorStore'

interface PickerProps {
  /** The accessible name. */
  label: string
  value: string
  /** The first option's text: what '' means here ("all ops", "any op"). */
  anyLabel: string
  ops: ResponseOf<'monitor.ops'> | null
  onChange(value: string): void
}

/** The ops seen, and the chosen one even when it is not among them (a filter from a link, an alert made earlier). */
export function OpSelect({ label, value, anyLabel, ops, onChange }: PickerProps) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{anyLabel}</option>
      {value && !ops?.ops.some((o) => o.name === value) && <option value={value}>{value}</option>}
      {ops?.ops.map((o) => (
        <option key={o.name} value={o.name}>
          {o.name}
        </option>
      ))}
    </select>
  )
}

/** The models seen; spans without a model are "no model" ({@link NO_MODEL}). */
export function ModelSelect({ label, value, anyLabel, ops, onChange }: PickerProps) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{anyLabel}</option>
      {ops?.models.map((m) => (
        <option key={m.name || NO_MODEL} value={m.name || NO_MODEL}>
          {m.name || 'no model'}
        </option>
      ))}
    </select>
  )
}
