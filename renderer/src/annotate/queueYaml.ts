/** A queue definition from the "New queue" form, checked with the same schema the workbench uses, as YAML text. */
import { stringify } from 'yaml'
import { QueueDefinitionSchema } from '../../../common/schemas/annotation'
import { objectNameProblem } from '../../../common/refs'

/** One field row of the form (everything as typed). */
export interface FieldDraft {
  name: string
  type: 'binary' | 'categorical' | 'numeric' | 'text'
  /** Categorical: one option per line or comma-separated. */
  options: string
  min: string
  max: string
  step: string
  required: boolean
  description: string
}

/** The form's state. */
export interface QueueDraft {
  name: string
  description: string
  instructions: string
  sourceKind: 'dataset' | 'traces' | 'evaluation'
  dataset: string
  traceName: string
  traceStatus: '' | 'ok' | 'error'
  traceSince: string
  /** `key=value` pairs, comma-separated: the root span's attributes must match. */
  traceAttributes: string
  traceLimit: string
  evaluation: string
  run: string
  failedOnly: boolean
  writeBackDataset: string
  fields: FieldDraft[]
}

/** An empty field row. */
export function emptyField(name = ''): FieldDraft {
  return { name, type: 'binary', options: '', min: '1', max: '5', step: '1', required: true, description: '' }
}

/** A problem of the form, named by the form field it is in. */
export interface DraftProblem {
  path: string
  message: string
}

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text))

/** The YAML of `queues/NAME.yaml`, or the problems that stop it (each says which field). */
export function queueYamlFromDraft(draft: QueueDraft): { yaml: string } | { problems: DraftProblem[] } {
  const problems: DraftProblem[] = []
  const nameProblem = draft.name.trim() ? objectNameProblem(draft.name.trim()) : 'must not be empty'
  if (nameProblem) problems.push({ path: 'name', message: `Name ${nameProblem}` })
  const source =
    draft.sourceKind === 'dataset'
      ? { dataset: draft.dataset }
      : draft.sourceKind === 'traces'
        ? {
            traces: {
              ...(draft.traceName.trim() ? { name: draft.traceName.trim() } : {}),
              ...(draft.traceStatus ? { status: draft.traceStatus } : {}),
              ...(draft.traceSince.trim() ? { since: draft.traceSince.trim() } : {}),
              ...(draft.traceAttributes.trim() ? { attributes: parseAttributes(draft.traceAttributes, problems) } : {}),
              ...(draft.traceLimit.trim() ? { limit: number(draft.traceLimit) } : {}),
            },
          }
        : { evaluation: { name: draft.evaluation, run: draft.run.trim() || 'latest', ...(draft.failedOnly ? { failedOnly: true } : {}) } }
  const fields = draft.fields.map((f) => {
    const common = { name: f.name.trim(), type: f.type, ...(f.description.trim() ? { description: f.description.trim() } : {}), ...(f.required ? {} : { required: false }) }
    if (f.type === 'categorical') return { ...common, options: f.options.split(/[\n,]/).map((o) => o.trim()).filter(Boolean) }
    if (f.type === 'numeric') return { ...common, min: number(f.min), max: number(f.max), ...(f.step.trim() && f.step.trim() !== '1' ? { step: number(f.step) } : {}) }
    return common
  })
  const definition = {
    ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    ...(draft.instructions.trim() ? { instructions: draft.instructions.trim() } : {}),
    source,
    fields,
    ...(draft.sourceKind !== 'dataset' && draft.writeBackDataset.trim() ? { writeBack: { dataset: draft.writeBackDataset.trim() } } : {}),
  }
  if (draft.sourceKind !== 'dataset' && !draft.writeBackDataset.trim()) {
    problems.push({ path: 'writeBack.dataset', message: 'Write back to: name the dataset the labels go to (the source is not a dataset)' })
  }
  const parsed = QueueDefinitionSchema.safeParse(definition)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.')
      problems.push({ path, message: `${describePath(path, draft)} ${issue.message}` })
    }
  }
  if (problems.length) return { problems }
  return { yaml: stringify(definition) }
}

/** `env=prod, tier = gold` → `{env: 'prod', tier: 'gold'}`; a pair without `=` is a problem of the form. */
function parseAttributes(text: string, problems: DraftProblem[]): Record<string, string> {
  const attributes: Record<string, string> = {}
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=')
    if (at <= 0) {
      problems.push({ path: 'source.traces.attributes', message: `Trace filter attributes: "${pair}" is not key=value` })
      continue
    }
    attributes[pair.slice(0, at).trim()] = pair.slice(at + 1).trim()
  }
  return attributes
}

// "fields.1.options" → "Field 2 (label) options" so the message says where on the form.
function describePath(path: string, draft: QueueDraft): string {
  const field = /^fields\.(\d+)\.?(.*)$/.exec(path)
  if (field) {
    const i = Number(field[1])
    const name = draft.fields[i]?.name.trim()
    return `Field ${i + 1}${name ? ` (${name})` : ''}${field[2] ? ` ${field[2]}` : ''}`
  }
  if (path.startsWith('source.dataset')) return 'Dataset'
  if (path.startsWith('source.traces')) return `Trace filter ${path.split('.').slice(2).join('.')}`.trim()
  if (path.startsWith('source.evaluation')) return `Evaluation ${path.split('.').slice(2).join('.')}`.trim()
  return path || 'The queue'
}
