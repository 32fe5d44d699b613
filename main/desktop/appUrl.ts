/** Which URLs are the app's own (pure, so it can be tested without Electron). */

/** True when `url` is on the same origin as `base` (the renderer's URL) — never a look-alike host. */
export function isAppUrl(url: string, base: string): boolean {
  try {
    const target = new URL(url)
    const app = new URL(base)
    return target.protocol === app.protocol && target.host === app.host && target.username === '' && target.password === ''
  } catch {
    return false
  }
}
