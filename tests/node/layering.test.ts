/**
 * The layering of DESIGN.md is enforced by lint; these cases keep the lint
 * config honest (a rule that silently stops matching would fail here).
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname })

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => m.message)
}

describe('import layering', () => {
  it.each([
    ['common/x.ts', "import fs from 'node:fs'\nexport const a = fs"],
    ['common/x.ts', "import path from 'path'\nexport const a = path"],
    ['common/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['common/x.ts', 'export const a = window.location'],
    ['common/x.ts', "import { createWorkbench } from '../main/workbench'\nexport const a = createWorkbench"],
    ['main/server/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['main/x.ts', "import { client } from '../renderer/src/api/client'\nexport const a = client"],
    ['renderer/src/x.ts', "import { createWorkbench } from '../../main/workbench'\nexport const a = createWorkbench"],
    ['renderer/src/x.ts', "import fs from 'node:fs'\nexport const a = fs"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron'\nexport const a = ipcRenderer"],
    ['preload/x.ts', "import { createWorkbench } from '../main/workbench'\nexport const a = createWorkbench"],
  ])('refuses %s: %s', async (file, code) => {
    expect(await restricted(file, code)).not.toEqual([])
  })

  it.each([
    ['common/x.ts', "import { z } from 'zod'\nexport const a = z"],
    ['main/index.ts', "import { app } from 'electron'\nexport const a = app"],
    ['main/x.ts', "import fs from 'node:fs'\nimport { operations } from '../common/contract'\nexport const a = [fs, operations]"],
    ['preload/x.ts', "import { contextBridge } from 'electron'\nexport const a = contextBridge"],
    ['renderer/src/x.ts', "import { operations } from '../../common/contract'\nexport const a = operations"],
  ])('allows %s: %s', async (file, code) => {
    expect(await restricted(file, code)).toEqual([])
  })
})
