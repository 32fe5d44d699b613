/**
 * Datasets in web mode, as a new user on the sample project: import a CSV with
 * a malformed line (refused whole, its line named), import a good one, edit a
 * cell with undo/redo, save it as a version and read the row diff, and get an
 * unsaved edit back after a reload. Files and versions are checked with the CLI.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { assertBuilt, launchBrowser, makeTempDir, openSession, removeDir, saveScreenshot, endSession, startWebMode, waitForReady, type Session, type WebMode, runWeftCli } from './browser'

let browser: Browser
let session: Session | undefined
let server: WebMode
let home: string
let projectDir: string

const weft = (...args: string[]) => runWeftCli(home, ...args, '--project', projectDir)

beforeAll(async () => {
  assertBuilt()
  home = makeTempDir('home')
  browser = await launchBrowser()
  server = await startWebMode({ weftHome: home })
  projectDir = path.join(home, 'Sample Project')
  fs.writeFileSync(path.join(home, 'bad.csv'), 'ticket,question,tag\nq1,How do I reset my password?,account\nq2,"Where is my order,shipping\nq3,Refund please,billing\n')
  fs.writeFileSync(path.join(home, 'faq.csv'), 'ticket,question,tag\nq1,How do I reset my password?,account\nq2,Where is my order?,shipping\nq3,Refund please,billing\n')
})

afterAll(async () => {
  await server?.stop()
  await browser?.close()
  removeDir(home)
})

afterEach(async (context) => {
  const current = session
  session = undefined
  // Refused imports and saves are 4xx responses the tests provoke.
  if (current) expect(await endSession(current, context.task, [400, 404, 409, 422]), 'errors in the page').toEqual([])
})

async function openDatasets(): Promise<Page> {
  session = await openSession(browser)
  const p = session.page
  await p.goto(server.loginUrl)
  await waitForReady(p)
  await p.getByTestId('section-datasets').click()
  await p.getByRole('heading', { level: 1, name: 'Datasets' }).waitFor()
  return p
}

async function openTickets(p: Page): Promise<void> {
  await p.getByRole('navigation', { name: 'Dataset files' }).getByRole('button', { name: /^tickets\b/ }).click()
  await p.locator('[data-cell="t-001/ticket"]').waitFor()
}

/** Rows in the UI database's drafts table, read in the page. */
const countDrafts = (p: Page) =>
  p.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('weft-ui')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const count = open.result.transaction('drafts').objectStore('drafts').count()
          count.onsuccess = () => {
            open.result.close()
            resolve(count.result)
          }
        }
      }),
  )

const cell = (p: Page, id: string, column: string) => p.locator(`[data-cell="${id}/${column}"]`)

async function editCell(p: Page, id: string, column: string, text: string, screenshot?: string): Promise<void> {
  await cell(p, id, column).dblclick()
  const box = p.getByTestId('cell-editor').getByRole('textbox')
  await box.fill(text)
  if (screenshot) await saveScreenshot(p, screenshot)
  await p.getByTestId('cell-editor').getByRole('button', { name: 'Apply' }).click()
  await expect.poll(() => cell(p, id, column).textContent()).toBe(text)
}

describe('datasets', () => {
  test('a CSV with a malformed line is refused whole, naming the line; a good one imports with a mapping', async () => {
    const p = await openDatasets()
    await p.getByRole('button', { name: 'Import…' }).click()
    await p.getByLabel('File path').fill(path.join(home, 'bad.csv'))
    await p.getByRole('button', { name: 'Preview' }).click()
    const problems = p.getByTestId('import-problems')
    await expect.poll(() => problems.textContent()).toContain('line 3')
    await saveScreenshot(p, 'datasets-import-malformed-preview')
    await p.getByLabel('Dataset name').fill('faq')
    await p.getByRole('button', { name: 'Import', exact: true }).click()
    await expect.poll(() => p.locator('.ds-import-error').textContent()).toMatch(/bad\.csv:3: .*nothing was imported/)
    await saveScreenshot(p, 'datasets-import-malformed-refused')
    expect(weft('list', 'dataset')).not.toContain('faq')

    await p.getByLabel('File path').fill(path.join(home, 'faq.csv'))
    await p.getByRole('button', { name: 'Preview' }).click()
    await p.getByTestId('import-problems').waitFor({ state: 'detached' })
    await p.getByLabel('Id column').selectOption('ticket')
    await p.getByLabel('Target field for question').fill('input.question')
    await saveScreenshot(p, 'datasets-import-mapping')
    await p.getByRole('button', { name: 'Import', exact: true }).click()
    await cell(p, 'q2', 'input').waitFor()
    expect(await cell(p, 'q2', 'input').textContent()).toBe('{"question":"Where is my order?"}')
    await saveScreenshot(p, 'datasets-imported-grid')
    expect(weft('get', 'dataset:faq').split('\n')[0]).toBe('{"id":"q1","input":{"question":"How do I reset my password?"},"tag":"account"}')
  })

  test('edit a cell, undo and redo, save as a version and see the row diff', async () => {
    const p = await openDatasets()
    await openTickets(p)
    await saveScreenshot(p, 'datasets-grid')
    await editCell(p, 't-002', 'ticket', 'Export is broken', 'datasets-cell-editor')
    await p.getByTestId('dataset-grid').press('Control+z')
    await expect.poll(() => cell(p, 't-002', 'ticket').textContent()).toContain('The export button')
    await p.getByTestId('dataset-grid').press('Control+Shift+z')
    await expect.poll(() => cell(p, 't-002', 'ticket').textContent()).toBe('Export is broken')
    await saveScreenshot(p, 'datasets-edited')
    await p.getByLabel('Version message').fill('Shorter t-002')
    await p.getByRole('button', { name: 'Save version' }).click()
    await expect.poll(() => p.getByText('Saved dataset:tickets as v2').isVisible()).toBe(true)
    await p.getByRole('tab', { name: 'History' }).click()
    const diff = p.getByTestId('row-diff')
    await expect.poll(() => diff.textContent()).toContain('~1 changed')
    expect(await diff.locator('.ds-diff-changed').textContent()).toContain('Export is broken')
    await saveScreenshot(p, 'datasets-row-diff')
    // The diff takes n/p at once; one change means n stays on it.
    await p.keyboard.press('n')
    expect(await diff.locator('.ds-diff-focus').count()).toBe(1)
    expect(weft('versions', 'dataset:tickets')).toMatch(/^\* v2 .*Shorter t-002/)
    expect(fs.readFileSync(path.join(projectDir, 'datasets/tickets.jsonl'), 'utf8')).toContain('{"id":"t-002","ticket":"Export is broken"')

    await p.getByRole('tab', { name: 'Export' }).click()
    const out = path.join(home, 'tickets-export.csv')
    await p.getByLabel('Export file path').fill(out)
    await p.getByRole('button', { name: 'Export', exact: true }).click()
    await expect.poll(() => p.getByText(/Wrote 12 rows/).isVisible()).toBe(true)
    await saveScreenshot(p, 'datasets-export')
    expect(fs.readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^id,ticket,expected/)
    expect(fs.readFileSync(out, 'utf8')).toContain('Export is broken')
  })

  test('a reload in the middle of an edit brings the draft back', async () => {
    const p = await openDatasets()
    await openTickets(p)
    await editCell(p, 't-003', 'ticket', 'Unsaved_before_reload')
    // The draft is an IndexedDB put; wait until it is there (this context's database is fresh).
    await expect.poll(() => countDrafts(p)).toBe(1)
    await p.reload()
    await waitForReady(p)
    await p.getByTestId('section-datasets').click()
    await p.getByTestId('dataset-draft-banner').waitFor()
    await expect.poll(() => cell(p, 't-003', 'ticket').textContent()).toBe('Unsaved_before_reload')
    await saveScreenshot(p, 'datasets-draft-restored')
    expect(fs.readFileSync(path.join(projectDir, 'datasets/tickets.jsonl'), 'utf8')).not.toContain('Unsaved_before_reload')
  })

  test('a save based on an old version is refused with the edits kept, and goes through once re-applied', async () => {
    const p = await openDatasets()
    await openTickets(p)
    await editCell(p, 't-004', 'ticket', 'Mine_from_the_grid')
    // Meanwhile someone saves another version from a terminal.
    const file = path.join(projectDir, 'datasets/tickets.jsonl')
    const other = path.join(home, 'other.jsonl')
    fs.writeFileSync(other, fs.readFileSync(file, 'utf8').replace('Where can I find your SOC 2 report?', 'Theirs_from_a_terminal'))
    weft('save', 'dataset:tickets', other, '-m', 'From a terminal')
    await p.getByRole('button', { name: 'Save version' }).click()
    await expect.poll(() => p.getByTestId('dataset-conflict').textContent()).toContain('newer version')
    await saveScreenshot(p, 'datasets-save-conflict')
    expect(await cell(p, 't-004', 'ticket').textContent()).toBe('Mine_from_the_grid')
    await p.getByRole('button', { name: 'Apply my edits to the newest version' }).click()
    await p.getByTestId('dataset-conflict').waitFor({ state: 'hidden' })
    await p.getByRole('button', { name: 'Save version' }).click()
    await expect.poll(() => fs.readFileSync(file, 'utf8')).toContain('Mine_from_the_grid')
    expect(fs.readFileSync(file, 'utf8')).toContain('Theirs_from_a_terminal')
  })

  test('sort, filter by column, search and resize columns', async () => {
    const p = await openDatasets()
    await openTickets(p)
    const firstIds = () => p.locator('[role="gridcell"][data-cell$="/id"]').allTextContents()
    await p.getByRole('button', { name: 'id', exact: true }).click()
    await p.getByRole('button', { name: 'id', exact: true }).click()
    await expect.poll(async () => (await firstIds())[0]).toBe('t-012')
    await p.getByLabel('Filter expected').fill('"bug"')
    await expect.poll(async () => (await firstIds()).length).toBe(3)
    await p.getByLabel('Search rows').fill('500')
    await expect.poll(firstIds).toEqual(['t-008'])
    const header = p.getByRole('columnheader').filter({ hasText: 'ticket' })
    const before = (await header.boundingBox())!.width
    const handle = (await p.getByLabel('Resize ticket').boundingBox())!
    await p.mouse.move(handle.x + handle.width / 2, handle.y + 10)
    await p.mouse.down()
    await p.mouse.move(handle.x + 120, handle.y + 10, { steps: 5 })
    await p.mouse.up()
    await expect.poll(async () => (await header.boundingBox())!.width).toBeGreaterThan(before + 100)
    await saveScreenshot(p, 'datasets-sort-filter-search-resize')
  })
})
