import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { AttributesTable, FILTER_THRESHOLD } from './AttributesTable'
import { ErrorView } from './ErrorView'
import { expectInert } from './expectInert'
import { UsageView } from './UsageView'

describe('AttributesTable', () => {
  it('lists keys with strings as text and nested values as compact JSON, inertly', () => {
    const { container } = render(
      <AttributesTable attributes={{ 'gen_ai.system': 'openai', 'http.status': 200, nested: { a: [1, 'b'] }, html: '<img src=http://x/y.png>' }} />,
    )
    expect(screen.getByRole('rowheader', { name: 'gen_ai.system' })).toBeTruthy()
    expect(screen.getByText('openai')).toBeTruthy()
    expect(screen.getByText('{"a":[1,"b"]}')).toBeTruthy()
    expect(screen.getByText('<img src=http://x/y.png>')).toBeTruthy()
    expect(screen.queryByRole('searchbox')).toBeNull()
    expectInert(container)
  })

  it('offers a filter above the threshold and filters by key or value', () => {
    const attributes = Object.fromEntries(Array.from({ length: FILTER_THRESHOLD + 5 }, (_, i) => [`key.${i}`, `value ${i}`]))
    render(<AttributesTable attributes={{ ...attributes, 'llm.model': 'gpt-4o' }} />)
    const filter = screen.getByRole('searchbox', { name: 'Filter attributes' })
    fireEvent.change(filter, { target: { value: 'GPT' } })
    expect(screen.getAllByRole('row')).toHaveLength(1)
    fireEvent.change(filter, { target: { value: 'key.1' } })
    expect(screen.getAllByRole('row').length).toBeGreaterThan(1)
    fireEvent.change(filter, { target: { value: 'nothing-like-this' } })
    expect(screen.getByText(/No attribute matches/)).toBeTruthy()
  })

  it('renders nothing without attributes', () => {
    expect(render(<AttributesTable attributes={{}} />).container.innerHTML).toBe('')
  })
})

describe('UsageView', () => {
  it('shows tokens per model, a total across models and the cost', () => {
    render(<UsageView usage={{ 'gpt-4o': { inputTokens: 1200, outputTokens: 30 }, 'claude-x': { inputTokens: 5, outputTokens: 5 } }} costUsd={0.0123} />)
    expect(screen.getByRole('rowheader', { name: 'gpt-4o' })).toBeTruthy()
    expect(screen.getByText('1,230')).toBeTruthy()
    expect(screen.getByRole('rowheader', { name: 'All models' })).toBeTruthy()
    expect(screen.getByText('$0.012')).toBeTruthy()
  })

  it('renders nothing when usage and cost are unknown', () => {
    expect(render(<UsageView usage={{}} costUsd={null} />).container.innerHTML).toBe('')
  })
})

describe('ErrorView', () => {
  it('shows type and message with the stack folded', () => {
    const { container } = render(<ErrorView error={{ type: 'RateLimitError', message: '429 <b>slow down</b>', stack: 'at call (x.ts:1)' }} />)
    expect(screen.getByRole('heading', { name: 'Error: RateLimitError' })).toBeTruthy()
    expect(screen.getByText('429 <b>slow down</b>')).toBeTruthy()
    const details = container.querySelector('details')
    expect(details?.open).toBe(false)
    expect(screen.getByText('Stack trace')).toBeTruthy()
    expectInert(container)
  })

  it('renders nothing without an error', () => {
    expect(render(<ErrorView error={null} />).container.innerHTML).toBe('')
  })
})
