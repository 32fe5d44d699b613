import { fireEvent, render, screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { expectInert } from './expectInert'
import { SpanPayload } from './SpanPayload'
import { TEXT_FOLD } from './TextBlock'

const roles = (root: HTMLElement) => [...root.querySelectorAll('[data-role]')].map((el) => el.getAttribute('data-role'))

describe('SpanPayload', () => {
  it('renders OpenAI chat as a conversation with tool calls and tool results', () => {
    render(
      <SpanPayload
        label="Inputs"
        value={{
          model: 'gpt-4o',
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Weather in Oslo?' },
            { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
            { role: 'tool', tool_call_id: 'call_1', content: 'rain, 3°C' },
          ],
        }}
      />,
    )
    const payload = screen.getByTestId('payload-inputs')
    expect(payload.getAttribute('data-kind')).toBe('conversation')
    expect(roles(payload)).toEqual(['system', 'user', 'assistant', 'tool'])
    expect(payload.querySelector('.chat-role-system')).toBeTruthy()
    expect(payload.querySelector('.chat-role-assistant')).toBeTruthy()
    const call = screen.getByTestId('tool-call')
    expect(within(call).getByText('get_weather')).toBeTruthy()
    expect(within(call).getByText('"Oslo"')).toBeTruthy()
    const result = screen.getByTestId('tool-result')
    expect(within(result).getByText(/for call_1/)).toBeTruthy()
    expect(within(result).getByText('rain, 3°C')).toBeTruthy()
  })

  it('renders Anthropic messages with system, tool_use and tool_result', () => {
    render(
      <SpanPayload
        label="Inputs"
        value={{
          system: 'You are terse.',
          messages: [
            { role: 'user', content: 'Find x' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'tu_1', name: 'search', input: { q: 'x' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: 'found it', is_error: false }] },
          ],
        }}
      />,
    )
    const payload = screen.getByTestId('payload-inputs')
    expect(roles(payload)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(within(screen.getByTestId('tool-call')).getByText('search')).toBeTruthy()
    expect(within(screen.getByTestId('tool-result')).getByText('found it')).toBeTruthy()
  })

  it('renders OpenTelemetry GenAI messages from a JSON string attribute', () => {
    const otel = JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c', name: 'weather', arguments: { city: 'Oslo' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c', response: 'sunny' }] },
    ])
    render(<SpanPayload label="Inputs" value={otel} />)
    const payload = screen.getByTestId('payload-inputs')
    expect(roles(payload)).toEqual(['user', 'assistant', 'tool'])
    expect(screen.getByText('Weather?')).toBeTruthy()
    expect(within(screen.getByTestId('tool-call')).getByText('weather')).toBeTruthy()
    expect(within(screen.getByTestId('tool-result')).getByText('sunny')).toBeTruthy()
  })

  it("renders Weft's model output with its tool calls and finish reason", () => {
    render(<SpanPayload label="Output" value={{ text: 'Calling', toolCalls: [{ id: '1', name: 'lookup', arguments: { id: 7 } }], finishReason: 'tool_calls' }} />)
    expect(roles(screen.getByTestId('payload-output'))).toEqual(['assistant'])
    expect(screen.getByText('lookup')).toBeTruthy()
    expect(screen.getByText('Finish reason: tool_calls')).toBeTruthy()
  })

  it('renders other objects as a JSON tree and toggles the raw JSON view', () => {
    render(<SpanPayload label="Output" value={{ answer: 42, list: [1, 2] }} />)
    const payload = screen.getByTestId('payload-output')
    expect(payload.getAttribute('data-kind')).toBe('json')
    expect(screen.getByTestId('json-tree')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Raw JSON' }))
    expect(screen.queryByTestId('json-tree')).toBeNull()
    expect(payload.querySelector('pre')?.textContent).toBe(JSON.stringify({ answer: 42, list: [1, 2] }, null, 2))
    fireEvent.click(screen.getByRole('button', { name: 'Formatted' }))
    expect(screen.getByTestId('json-tree')).toBeTruthy()
  })

  it('folds long text and shows all on request', () => {
    const text = 'a'.repeat(TEXT_FOLD) + 'TAIL'
    render(<SpanPayload label="Output" value={text} />)
    const pre = screen.getByTestId('payload-output').querySelector('pre')
    expect(pre?.textContent).toHaveLength(TEXT_FOLD)
    fireEvent.click(screen.getByRole('button', { name: `Show all ${text.length.toLocaleString()} characters` }))
    expect(pre?.textContent).toContain('TAIL')
  })

  it('shows hostile text inertly, as text and as markdown', () => {
    const hostile = '# Report\n\n<script>alert(1)</script>\n\n<img src=http://x/y.png>\n\n![alt](http://x/a.png)\n\n[link](javascript:alert(1))'
    render(<SpanPayload label="Output" value={hostile} />)
    const payload = screen.getByTestId('payload-output')
    expectInert(payload)
    expect(payload.textContent).toContain('<script>alert(1)</script>')
    fireEvent.click(screen.getByRole('button', { name: 'As markdown' }))
    expectInert(payload)
    expect(screen.getByRole('heading', { name: 'Report' })).toBeTruthy()
    expect(payload.textContent).toContain('<script>alert(1)</script>')
    expect(payload.textContent).toContain('<img src=http://x/y.png>')
    expect(payload.textContent).toContain('[image: alt] (http://x/a.png)')
    expect(payload.textContent).toContain('link (unsafe URL removed)')
  })

  it('shows hostile chat content inertly', () => {
    render(<SpanPayload label="Inputs" value={[{ role: 'user', content: '<img src=http://x/y.png onerror=alert(1)><script>alert(1)</script>' }]} />)
    const payload = screen.getByTestId('payload-inputs')
    expectInert(payload)
    expect(payload.textContent).toContain('<img src=http://x/y.png onerror=alert(1)>')
  })

  it('copies the raw payload', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    render(<SpanPayload label="Output" value={{ a: 1 }} />)
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }))
    expect(writeText).toHaveBeenCalledWith('{\n  "a": 1\n}')
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeTruthy()
  })

  it('renders a 50,000-element payload with a bounded number of DOM nodes', () => {
    const { container } = render(<SpanPayload label="Output" value={Array.from({ length: 50_000 }, (_, i) => ({ i, s: `row ${i}` }))} />)
    expect(container.querySelectorAll('*').length).toBeLessThan(1500)
  })

  it('renders nothing for an absent payload', () => {
    const { container } = render(<SpanPayload label="Output" value={undefined} />)
    expect(container.innerHTML).toBe('')
  })
})
