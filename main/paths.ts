/**
 * Where Weft keeps per-user state outside projects. Matches Electron's
 * `app.getPath('userData')` for an app named "Weft", so the desktop app, web
 * mode and the CLI share recent projects and the sample project.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The per-user data folder; `WEFT_HOME` overrides it (tests, portable installs). */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.WEFT_HOME) return path.resolve(env.WEFT_HOME)
  const home = os.homedir()
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Weft')
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Weft')
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Weft')
}

/**
 * The package root (where `resources/` and `out/` live). Bundles sit in
 * `out/main/`, sources in `main/`; both are found by walking up to package.json.
 */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return from
    dir = parent
  }
}
