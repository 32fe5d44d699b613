import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { QueueDefinitionSchema } from '../../../common/schemas/annotation'
import { emptyField, queueYamlFromDraft, type QueueDraft } from './queueYaml'

const base: QueueDraft = {
  name: 'answers',
  description: '',
  instructions: '',
  sourceKind: 'traces',
  dataset: '',
  traceName: 'answer',
  traceStatus: 'error',
  traceSince: '7d',
  traceAttributes: 'env=prod, tier = gold',
  traceLimit: '200',
  evaluation: '',
  run: 'latest',
  failedOnly: false,
  writeBackDataset: 'gold',
  fields: [{ ...emptyField('good') }, { ...emptyField('score'), type: 'numeric', min: '0', max: '1', step: '0.25' }],
}

describe('queueYamlFromDraft', () => {
  it('writes a trace queue the workbench schema accepts', () => {
    const built = queueYamlFromDraft(base)
    if (!('yaml' in built)) throw new Error(JSON.stringify(built.problems))
    const definition = QueueDefinitionSchema.parse(parse(built.yaml))
    expect(definition.source).toEqual({ traces: { name: 'answer', status: 'error', since: '7d', attributes: { env: 'prod', tier: 'gold' }, limit: 200 } })
    expect(definition.fields[1]).toMatchObject({ name: 'score', type: 'numeric', min: 0, max: 1, step: 0.25 })
    expect(definition.writeBack).toEqual({ dataset: 'gold' })
  })

  it('names the form field of each problem', () => {
    const built = queueYamlFromDraft({ ...base, name: '', traceSince: 'last week', traceAttributes: 'env', writeBackDataset: '', fields: [{ ...emptyField('score'), type: 'numeric', min: '5', max: '1' }] })
    if (!('problems' in built)) throw new Error('expected problems')
    expect(built.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'Name must not be empty',
        'Trace filter attributes: "env" is not key=value',
        'Write back to: name the dataset the labels go to (the source is not a dataset)',
        'Trace filter since must be a duration like 30m, 12h or 7d',
        'Field 1 (score) max must be greater than min',
      ]),
    )
  })
})
