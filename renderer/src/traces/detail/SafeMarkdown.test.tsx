import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { expectInert } from './expectInert'
import { looksLikeMarkdown, SafeMarkdown } from './SafeMarkdown'

describe('SafeMarkdown', () => {
  it('shows hostile markdown as text: no script, image, iframe, link or handler', () => {
    const text = [
      '# Title',
      '<script>alert(1)</script>',
      'inline <img src=http://x/y.png onerror=alert(2)> here',
      '<iframe src="http://x/frame"></iframe>',
      '![alt text](http://x/a.png)',
      '[link](javascript:alert(1)) and [site](https://example.com)',
    ].join('\n\n')
    const { container } = render(<SafeMarkdown text={text} />)
    expectInert(container)
    expect(screen.getByRole('heading', { name: 'Title' })).toBeTruthy()
    expect(container.textContent).toContain('<script>alert(1)</script>')
    expect(container.textContent).toContain('<img src=http://x/y.png onerror=alert(2)>')
    expect(container.textContent).toContain('[image: alt text] (http://x/a.png)')
    expect(container.textContent).toContain('link (unsafe URL removed)')
    expect(container.textContent).toContain('site (https://example.com)')
  })

  it('tells markdown from prose', () => {
    expect(looksLikeMarkdown('# Heading\n\ntext')).toBe(true)
    expect(looksLikeMarkdown('Some **bold** claim')).toBe(true)
    expect(looksLikeMarkdown('- one\n- two')).toBe(true)
    expect(looksLikeMarkdown('Just a plain sentence, nothing more.')).toBe(false)
  })
})
