/**
 * Markdown from span content, rendered so nothing in it can act: raw HTML shows
 * as literal text (react-markdown without rehype-raw never parses it), images
 * become their alt text and URL so nothing is fetched, and links are plain text
 * so a click cannot navigate the app or run a `javascript:` URL.
 */
import Markdown, { type Components } from 'react-markdown'

/** The URL as the reader should see it; react-markdown has already emptied unsafe protocols. */
function urlText(url: unknown): string {
  return typeof url === 'string' && url !== '' ? url : 'unsafe URL removed'
}

const components: Components = {
  img: ({ alt, src }) => (
    <span className="md-image">
      [image{alt ? `: ${alt}` : ''}] <span className="md-url">({urlText(src)})</span>
    </span>
  ),
  a: ({ children, href }) => (
    <span className="md-link">
      {children} <span className="md-url">({urlText(href)})</span>
    </span>
  ),
}

/** Markdown text rendered safely (see the file comment). */
export function SafeMarkdown({ text }: { text: string }) {
  return (
    <div className="md-body" data-testid="markdown">
      <Markdown components={components}>{text}</Markdown>
    </div>
  )
}

/** Whether text looks like markdown enough to offer the "as markdown" view. */
export function looksLikeMarkdown(text: string): boolean {
  const sample = text.slice(0, 5000)
  return /^#{1,6} \S|^\s*[-*+] \S|^\s*\d+\. \S|^```|^> \S|\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\)|^\|.*\|\s*$/m.test(sample)
}
