/** Test helper: asserts rendered span content can neither run code nor fetch anything. */
import { expect } from 'vitest'

/** No element that could run code, fetch or navigate, and no inline event handler anywhere under `root`. */
export function expectInert(root: HTMLElement): void {
  expect(root.querySelectorAll('script, img, iframe, link, object, embed, style, svg, video, audio, source, a')).toHaveLength(0)
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) expect(attr.startsWith('on'), `${el.tagName} has ${attr}`).toBe(false)
  }
}
