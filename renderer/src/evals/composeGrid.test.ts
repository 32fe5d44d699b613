import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { gridCells, gridDefinitionYaml, gridProblems, type EvalGrid } from './composeGrid'

const grid: EvalGrid = {
  name: 'triage-grid',
  dataset: 'dataset:tickets@v3',
  prompts: ['prompt:triage@v1', 'prompt:triage@production'],
  models: ['model:fast@v2', 'model:offline@v1'],
  scorers: [{ id: 'mentions', type: 'contains', params: { values: ['{{expected}}'] } }, { id: 'same', type: 'equals', params: {} }],
  trials: 2,
  concurrency: 8,
}

describe('a composed grid', () => {
  it('saves one definition whose target is the first cell', () => {
    const definition = parse(gridDefinitionYaml(grid)) as Record<string, unknown>
    expect(definition).toMatchObject({
      dataset: 'dataset:tickets@v3',
      target: { prompt: 'prompt:triage@v1', model: 'model:fast@v2' },
      scorers: [{ id: 'mentions', type: 'contains', params: { values: ['{{expected}}'] } }, { id: 'same', type: 'equals' }],
      trials: 2,
      concurrency: 8,
    })
  })

  it('runs every prompt × model cell with --set overrides', () => {
    expect(gridCells(grid).map((c) => c.set)).toEqual([
      ['target.prompt=prompt:triage@v1', 'target.model=model:fast@v2'],
      ['target.prompt=prompt:triage@v1', 'target.model=model:offline@v1'],
      ['target.prompt=prompt:triage@production', 'target.model=model:fast@v2'],
      ['target.prompt=prompt:triage@production', 'target.model=model:offline@v1'],
    ])
    // A ref YAML would misread is quoted.
    expect(gridCells({ prompts: ['prompt:a b@v1'], models: ['model:m'] })[0]!.set[0]).toBe('target.prompt="prompt:a b@v1"')
  })

  it('names what is missing', () => {
    expect(gridProblems(grid)).toEqual([])
    expect(gridProblems({ ...grid, name: '', prompts: [], scorers: [{ id: '1x', type: 'equals', params: {} }] })).toEqual([
      expect.stringMatching(/^Name/),
      'Choose at least one prompt version',
      expect.stringMatching(/Scorer id "1x"/),
    ])
  })
})
