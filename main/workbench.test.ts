import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { objectStats } from './store/maintenance'
import { createWorkbench } from './workbench'

describe('workbench', () => {
  it('packs loose objects in the background once they pile up after saves', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-wb-'))
    const wb = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'cli', cwd: root, maintenanceThreshold: 10 })
    await wb.call('project.init', { dir: 'p' })
    for (let i = 0; i < 6; i++) await wb.call('objects.save', { kind: 'prompt', name: `p${i}`, content: `Prompt number ${i}\n` })
    await wb.close() // waits for maintenance in flight
    const stats = await objectStats({ dir: path.join(root, 'p') })
    expect(stats.looseObjects).toBeLessThan(10)
    const versions = createWorkbench({ userDataDir: path.join(root, 'user'), host: 'cli', cwd: root, projectDir: 'p' })
    await versions.openInitial()
    expect((await versions.call('objects.get', { ref: 'prompt:p0@v1' })).content).toBe('Prompt number 0\n')
    await versions.close()
  })
})
