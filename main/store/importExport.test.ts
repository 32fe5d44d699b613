import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { exportDataset, importDataset, previewImport, type ImportOptions } from './importExport'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-import-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

const readRows = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)

async function failure(promise: Promise<unknown>): Promise<WeftError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WeftError) return error
    throw error
  }
  throw new Error('expected a WeftError')
}

/** Imports into dataset.jsonl and returns the rows written. */
async function imported(source: string, options: ImportOptions = {}) {
  const dest = path.join(dir, 'out', 'dataset.jsonl')
  const result = await importDataset(source, dest, options)
  return { result, rows: readRows(dest), text: fs.readFileSync(dest, 'utf8') }
}

/** Imports and expects failure with nothing left behind (an existing destination keeps its content). */
async function refused(source: string, options: ImportOptions = {}): Promise<WeftError> {
  const dest = write('existing.jsonl', '{"id":"keep"}\n')
  const error = await failure(importDataset(source, dest, options))
  expect(fs.readFileSync(dest, 'utf8')).toBe('{"id":"keep"}\n')
  expect(fs.existsSync(`${dest}.tmp`)).toBe(false)
  return error
}

const lines = (error: WeftError) => error.issues?.map((i) => `${i.line}: ${i.message}`)

describe('CSV import', () => {
  it('reads quoted commas, quoted newlines, CRLF and a BOM, keeping values as strings', async () => {
    const source = write('t.csv', '\ufeffid,text,n\r\n1,"a, b",7\r\n2,"two\r\nlines",08\r\n3,"say ""hi""",\r\n')
    const { result, rows, text } = await imported(source)
    expect(result).toEqual({ rows: 3, columns: ['id', 'text', 'n'], errors: [] })
    expect(rows).toEqual([
      { id: '1', text: 'a, b', n: '7' },
      { id: '2', text: 'two\r\nlines', n: '08' },
      { id: '3', text: 'say "hi"', n: '' },
    ])
    expect(text.split('\n')[0]).toBe('{"id":"1","text":"a, b","n":"7"}')
  })

  it('detects ; and tab delimiters and reports the one used', async () => {
    const semi = await previewImport(write('s.csv', 'a;b\n1;2\n'))
    expect(semi).toMatchObject({ format: 'csv', delimiter: ';', columns: ['a', 'b'], rows: [{ a: '1', b: '2' }], errors: [] })
    const tsv = await previewImport(write('t.tsv', 'a\tb\nx,y\tz\n'))
    expect(tsv).toMatchObject({ delimiter: '\t', rows: [{ a: 'x,y', b: 'z' }] })
    const oneColumn = await previewImport(write('o.csv', 'question\nwhy?\n'))
    expect(oneColumn).toMatchObject({ columns: ['question'], rows: [{ question: 'why?' }], errors: [] })
  })

  it('types only clearly numeric cells and booleans when asked', async () => {
    const source = write('t.csv', 'id,a,b,c,d,e,f\n1,42,-0.5,02139,1.50,true,12345678901234567890\n')
    const { rows } = await imported(source, { dynamicTyping: true })
    expect(rows).toEqual([{ id: '1', a: 42, b: -0.5, c: '02139', d: '1.50', e: true, f: '12345678901234567890' }])
  })

  it('reports rows with the wrong number of fields at their line, counting quoted newlines', async () => {
    const source = write('t.csv', 'a,b\n"x\ny\nz",1\n2\n\n3,4,5\nok,ok\n')
    const error = await refused(source)
    expect(error.code).toBe('INVALID_FILE')
    expect(lines(error)).toEqual(['5: 1 field, but the header has 2', '7: 3 fields, but the header has 2'])
    expect(error.message).toContain('(2 problems)')
    expect(error.issues?.[0]?.file).toBe(source)
  })

  it('reports a malformed quote and an unclosed quote with their lines', async () => {
    // Separate files: after a malformed quote, CSV cannot tell where the field ends.
    expect(lines(await refused(write('t.csv', 'a,b\n1,"x"y\n')))).toEqual(['2: not valid CSV: Trailing quote on quoted field is malformed'])
    const unclosed = await refused(write('u.csv', 'a,b\n1,2\n3,"never closed\n4,5\n'))
    expect(lines(unclosed)).toEqual(['3: not valid CSV: Quoted field unterminated'])
  })

  it('refuses a duplicate column and an empty file, and names unnamed columns', async () => {
    expect(lines(await refused(write('d.csv', 'a,b,a\n1,2,3\n')))).toEqual(['1: the header names column "a" twice (columns 1 and 3); rename one'])
    expect(lines(await refused(write('e.csv', '')))).toEqual(['1: the file is empty; a CSV file to import starts with a header row'])
    expect((await previewImport(write('u.csv', ',name\n0,x\n'))).columns).toEqual(['column1', 'name'])
  })

  it('lists the first 20 problems and counts them all', async () => {
    const body = Array.from({ length: 30 }, (_, i) => `${i},x,extra`).join('\n')
    const error = await refused(write('t.csv', `a,b\n${body}\n`))
    expect(error.issues).toHaveLength(20)
    expect(error.issues?.[19]?.line).toBe(21)
    expect(error.message).toContain('30 problems, the first 20 listed')
  })
})

describe('ids', () => {
  it('assigns row-<record number> when there is no id, keeps given ids and turns numbers into strings', async () => {
    expect((await imported(write('a.csv', 'q\nx\ny\n'))).rows).toEqual([
      { id: 'row-1', q: 'x' },
      { id: 'row-2', q: 'y' },
    ])
    const jsonl = write('b.jsonl', '{"id":7,"q":"x"}\n\n{"q":"y"}\n{"id":"","q":"z"}\n{"id":null}\n')
    expect((await imported(jsonl)).rows.map((r) => r.id)).toEqual(['7', 'row-2', 'row-3', 'row-4'])
  })

  it('never lets an assigned id take an explicit one: a second pass renumbers the clash', async () => {
    const source = write('c.jsonl', '{"q":"first"}\n{"q":"second"}\n{"id":"row-1","q":"third"}\n{"id":"row-5"}\n')
    const { rows } = await imported(source)
    expect(rows.map((r) => r.id)).toEqual(['row-6', 'row-2', 'row-1', 'row-5'])
  })

  it('refuses duplicate ids naming both lines, and ids that are not strings or numbers', async () => {
    const dup = await refused(write('d.csv', 'id,q\na,1\nb,2\na,3\n'))
    expect(lines(dup)).toEqual(['4: duplicate id "a" (also on line 2)'])
    const bad = await refused(write('e.jsonl', '{"id":{"x":1}}\n{"id":true}\n'))
    expect(lines(bad)).toEqual(['1: id must be a string or a number, not an object', '2: id must be a string or a number, not a boolean'])
    expect(lines(await refused(write('f.jsonl', `{"id":"${'x'.repeat(201)}"}\n`)))).toEqual(['1: id is longer than 200 characters'])
  })

  it('takes ids from idColumn, keeping that column, and refuses a second id column', async () => {
    const source = write('t.csv', 'ticket,text\nT-1,hi\nT-2,yo\n')
    expect((await imported(source, { idColumn: 'ticket' })).rows).toEqual([
      { id: 'T-1', ticket: 'T-1', text: 'hi' },
      { id: 'T-2', ticket: 'T-2', text: 'yo' },
    ])
    const both = await refused(write('u.csv', 'id,ticket\n1,T\n'), { idColumn: 'ticket' })
    expect(both).toMatchObject({ code: 'INVALID_REQUEST', issues: [{ path: 'idColumn' }] })
    expect(lines(await refused(write('v.jsonl', '{"id":"a","t":"b"}\n'), { idColumn: 't' }))).toEqual([
      '1: the row has an "id" field as well as the id column "t"; map one of them to another name',
    ])
  })
})

describe('column mapping', () => {
  it('renames, selects and nests with dotted targets', async () => {
    const source = write('t.csv', 'ticket,body,label,noise\nT-1,hello,billing,x\n')
    const mapping = { id: 'ticket', 'input.text': 'body', 'expected.category': 'label' }
    const { rows, result } = await imported(source, { mapping })
    expect(rows).toEqual([{ id: 'T-1', input: { text: 'hello' }, expected: { category: 'billing' } }])
    expect(result.columns).toEqual(['id', 'input', 'expected'])
  })

  it('reads dotted source columns out of nested JSON', async () => {
    const source = write('t.jsonl', '{"meta":{"key":"k1"},"q":"x","__proto__":{"polluted":true}}\n')
    const { rows } = await imported(source, { mapping: { question: 'q' }, idColumn: 'meta.key' })
    expect(rows).toEqual([{ id: 'k1', question: 'x' }])
    const whole = await imported(source)
    expect(Object.keys(whole.rows[0]!)).toEqual(['id', 'meta', 'q', '__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses mappings that cannot work, before or after reading', async () => {
    const csv = write('t.csv', 'a,b\n1,2\n')
    expect(await refused(csv, { mapping: { x: 'missing' } })).toMatchObject({ code: 'INVALID_REQUEST', issues: [{ path: 'mapping.x' }] })
    expect((await refused(csv, { mapping: { e: 'a', 'e.c': 'b' } })).issues?.[0]?.message).toMatch(/mapped whole/)
    expect((await refused(csv, { mapping: { 'id.x': 'a' } })).issues?.[0]?.path).toBe('mapping.id.x')
    expect((await refused(csv, { mapping: { id: 'a' }, idColumn: 'b' })).issues?.[0]?.path).toBe('idColumn')
    expect((await refused(write('t.jsonl', '{"a":1}\n'), { mapping: { x: 'typo' } })).issues).toEqual([{ path: 'mapping.x', message: 'no row has a field "typo"' }])
  })
})

describe('JSONL import', () => {
  it('reports bad lines with their numbers, skipping blank lines and CRLF', async () => {
    const source = write('t.jsonl', '{"id":"a"}\r\n\r\n{"id":"b",}\n[1]\n"x"\n{"n":12345678901234567890}\n{"id":"c"}')
    const error = await refused(source)
    expect(error.issues?.map((i) => i.line)).toEqual([3, 4, 5, 6])
    expect(error.issues?.[0]?.message).toMatch(/^not valid JSON/)
    expect(error.issues?.[1]?.message).toBe('expected a JSON object, found an array')
    expect(error.issues?.[3]?.message).toMatch(/^n: an integer past 2\^53/)
  })

  it('imports a file whose last line has no newline', async () => {
    expect((await imported(write('t.jsonl', '\ufeff{"id":"a"}\n{"id":"b"}'))).rows).toEqual([{ id: 'a' }, { id: 'b' }])
  })
})

describe('preview', () => {
  it('shows the first rows and the problems among them, and detects the format', async () => {
    const body = Array.from({ length: 100 }, (_, i) => (i === 2 ? '{oops' : JSON.stringify({ id: `r${i}`, q: i }))).join('\n')
    const preview = await previewImport(write('t.data', body), { limit: 5 })
    expect(preview).toMatchObject({ format: 'jsonl', columns: ['id', 'q'], totalBytes: Buffer.byteLength(body) })
    expect(preview.rows).toHaveLength(4)
    expect(preview.errors).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/^not valid JSON/) })])
    expect((await previewImport(write('a.json', '[{"x":1}]'))).format).toBe('json')
    expect((await previewImport(write('b.json', '{"x":1}\n'))).format).toBe('jsonl')
  })

  it('shows why reading stopped instead of throwing, and NOT_FOUND for no file', async () => {
    const preview = await previewImport(write('t.csv', Buffer.concat([Buffer.from('a\nok\n'), Buffer.from([0xff]), Buffer.from('\n')])))
    expect(preview.rows).toEqual([{ a: 'ok' }])
    expect(preview.errors[0]).toMatchObject({ line: 3, message: expect.stringMatching(/not UTF-8/) })
    expect((await failure(previewImport(path.join(dir, 'none.csv')))).code).toBe('NOT_FOUND')
    expect((await failure(previewImport(path.join(dir, 'none.csv'), { format: 'xml' as never }))).code).toBe('INVALID_REQUEST')
  })
})

describe('export', () => {
  const rows = [
    { id: 'a', text: 'comma, "quote"', note: ' padded ' },
    { id: 'b', text: 'two\r\nlines', note: 'ünïcödé ✓' },
    { id: 'c', text: '', note: '=SUM(A1)' },
  ]

  it('round-trips string rows through CSV', async () => {
    const dataset = write('d.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const csv = path.join(dir, 'd.csv')
    expect(await exportDataset(dataset, csv, { format: 'csv' })).toEqual({ rows: 3, columns: ['id', 'text', 'note'] })
    expect(fs.readFileSync(csv, 'utf8').split('\r\n')[0]).toBe('id,text,note')
    expect((await imported(csv)).rows).toEqual(rows)
  })

  it('writes the union of keys in first-seen order, nested values as JSON and missing ones empty', async () => {
    const dataset = write('d.jsonl', '{"id":"a","x":{"k":[1,2]}}\n{"id":"b","y":true,"z":null}\n')
    const csv = path.join(dir, 'd.csv')
    await exportDataset(dataset, csv, { format: 'csv' })
    expect(fs.readFileSync(csv, 'utf8')).toBe('id,x,y,z\r\na,"{""k"":[1,2]}",,\r\nb,,true,\r\n')
    await exportDataset(write('s.jsonl', '{"k":""}\n{"k":"x"}\n'), csv, { format: 'csv' })
    expect(fs.readFileSync(csv, 'utf8')).toBe('k\r\n""\r\nx\r\n')
  })

  it('round-trips any rows through JSON and JSONL', async () => {
    const source = [{ id: 'a', n: 1.5, nested: { list: [1, { b: null }] } }, { id: 'b', ok: false }]
    const dataset = write('d.jsonl', source.map((r) => JSON.stringify(r)).join('\n'))
    for (const format of ['json', 'jsonl'] as const) {
      const out = path.join(dir, `d.${format}`)
      expect((await exportDataset(dataset, out, { format })).rows).toBe(2)
      expect((await imported(out)).rows).toEqual(source)
    }
    const empty = write('e.jsonl', '')
    await exportDataset(empty, path.join(dir, 'e.json'), { format: 'json' })
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'e.json'), 'utf8'))).toEqual([])
  })

  it('writes nothing when the dataset has a bad line', async () => {
    const out = path.join(dir, 'x.csv')
    const error = await failure(exportDataset(write('d.jsonl', '{"id":"a"}\nnope\n'), out, { format: 'csv' }))
    expect(lines(error)).toEqual(['2: not valid JSON: ' + error.issues![0]!.message.slice('not valid JSON: '.length)])
    expect(fs.existsSync(out) || fs.existsSync(`${out}.tmp`)).toBe(false)
  })
})
