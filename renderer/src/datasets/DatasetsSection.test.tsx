import { fireEvent, screen } from '@testing-library/react'
import { beforeEach, describe, expect, test } from 'vitest'
import { WeftError } from '../../../common/errors'
import { renderApp, resetAppState } from '../test/renderApp'
import { createFakeClient, entry } from '../test/fakeClient'
import { gitBlobId } from '../state/gitBlobId'
import { closeDataset } from './datasetActions'

const TEXT = '{"id":"a","q":"one"}\n{"id":"b","q":"two"}\n'

async function client() {
  const fake = createFakeClient({ objects: [entry('dataset', 'faq')] })
  const resolved = { kind: 'dataset' as const, name: 'faq', digest: await gitBlobId(TEXT), n: 1, via: 'latest' as const, ref: 'dataset:faq' }
  fake.handle('objects.get', () => ({ resolved, content: TEXT }))
  fake.handle('datasets.previewImport', () => ({ format: 'csv', columns: ['ticket', 'q'], rows: [{ ticket: 't1', q: 'hi' }], errors: [{ path: '', message: 'not valid CSV: Quoted field unterminated', line: 3 }], totalBytes: 40 }))
  fake.handle('datasets.import', () => {
    throw new WeftError('INVALID_REQUEST', '/tmp/x.csv:3: not valid CSV: Quoted field unterminated; nothing was imported')
  })
  return fake
}

beforeEach(async () => {
  await resetAppState()
  closeDataset()
})

describe('Datasets section', () => {
  test('opens a dataset from the list with its toolbar and version', async () => {
    renderApp(await client())
    fireEvent.click(await screen.findByTestId('section-datasets'))
    fireEvent.click(await screen.findByText('faq', {}, { timeout: 5000 }))
    expect(await screen.findByText(/2 rows · v1/)).toBeTruthy()
    expect(screen.getByRole('grid', { name: 'Dataset rows' })).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Save version' }) as HTMLButtonElement).disabled).toBe(true)
  })

  test('the import wizard lists problems by line and shows a refused import', async () => {
    renderApp(await client())
    fireEvent.click(await screen.findByTestId('section-datasets'))
    fireEvent.click(await screen.findByRole('button', { name: 'Import…' }, { timeout: 5000 }))
    fireEvent.change(await screen.findByLabelText('File path'), { target: { value: '/tmp/x.csv' } })
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }))
    expect((await screen.findByTestId('import-problems')).textContent).toContain('line 3')
    expect((screen.getByLabelText('Dataset name') as HTMLInputElement).value).toBe('x')
    fireEvent.click(screen.getByRole('button', { name: 'Import' }))
    expect(await screen.findByText(/x\.csv:3: .*nothing was imported/)).toBeTruthy()
  })
})
