import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { JSON_PAGE, JsonTree } from './JsonTree'

describe('JsonTree', () => {
  it('opens the first two levels and collapses and expands on click', () => {
    render(<JsonTree value={{ user: { name: 'Ada', deep: { secret: 'x' } }, n: 1, ok: true, none: null }} />)
    expect(screen.getByText('"Ada"')).toBeTruthy()
    expect(screen.getByText('1')).toBeTruthy()
    // Depth 2 starts closed.
    const deep = screen.getByRole('button', { name: /deep/ })
    expect(deep.getAttribute('aria-expanded')).toBe('false')
    expect(screen.queryByText(/secret/)).toBeNull()
    fireEvent.click(deep)
    expect(screen.getByText(/secret/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: /user/ }))
    expect(screen.queryByText(/Ada/)).toBeNull()
  })

  it('pages big arrays with show more', () => {
    render(<JsonTree value={Array.from({ length: 250 }, (_, i) => `item-${i}`)} />)
    expect(screen.getByText(/item-99/)).toBeTruthy()
    expect(screen.queryByText(/item-100/)).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: /Show 100 more of 150/ }))
    expect(screen.getByText(/item-199/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: /Show 50 more of 50/ }))
    expect(screen.getByText(/item-249/)).toBeTruthy()
    expect(screen.queryByRole('button', { name: /more/ })).toBeNull()
  })

  it('renders a 50,000-element array with a bounded number of DOM nodes', () => {
    const value = Array.from({ length: 50_000 }, (_, i) => ({ id: i, tags: ['a', 'b'] }))
    const { container } = render(<JsonTree value={value} />)
    expect(container.querySelectorAll('*').length).toBeLessThan(JSON_PAGE * 10)
    expect(screen.getByText('[50,000 items]')).toBeTruthy()
  })

  it('folds long strings', () => {
    render(<JsonTree value={{ long: 'z'.repeat(5000) }} />)
    const more = screen.getByRole('button', { name: '5,000 chars' })
    expect(screen.getByText(/z{300}…/)).toBeTruthy()
    fireEvent.click(more)
    expect(screen.getByText(new RegExp(`z{5000}`))).toBeTruthy()
  })
})
