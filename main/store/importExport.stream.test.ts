/** Import at the edges of streaming: chunk boundaries, big files, bad bytes, over-long records. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WeftError } from '../../common/errors'
import { CHUNK_BYTES } from './import/decode'
import { importDataset, MAX_RECORD_CHARS, previewImport, type ImportOptions, type ImportProgress } from './importExport'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-import-stream-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, content)
  return file
}

/** Writes `parts()` piece by piece, so the test never holds the whole file either. */
function writeParts(name: string, parts: Iterable<string | Buffer>): string {
  const file = path.join(dir, name)
  const fd = fs.openSync(file, 'w')
  try {
    for (const part of parts) fs.writeSync(fd, typeof part === 'string' ? Buffer.from(part) : part)
  } finally {
    fs.closeSync(fd)
  }
  return file
}

async function importRows(source: string, options: ImportOptions = {}) {
  const dest = path.join(dir, 'dataset.jsonl')
  const result = await importDataset(source, dest, options)
  const rows = fs
    .readFileSync(dest, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  return { result, rows }
}

let refusals = 0
async function refusal(source: string, options: ImportOptions = {}): Promise<WeftError> {
  const dest = path.join(dir, `refused-${++refusals}.jsonl`)
  try {
    await importDataset(source, dest, options)
  } catch (error) {
    expect(fs.existsSync(dest) || fs.existsSync(`${dest}.tmp`)).toBe(false)
    if (error instanceof WeftError) return error
    throw error
  }
  throw new Error('expected the import to fail')
}

const where = (error: WeftError) => error.issues?.map((i) => `${i.line}: ${i.message}`)

describe('JSON array import', () => {
  it('splits elements correctly around strings full of brackets, quotes and backslashes', async () => {
    const rows = [
      { id: 'a', text: 'brackets ] } [ { and "quotes", commas,', list: [1, [2, { deep: '}' }]] },
      { id: 'b', text: 'backslash at end \\', path: 'C:\\dir\\' },
      { id: 'c', text: 'escaped \\" quote and \u2028 é ✓ \ud83d\ude00', empty: '' },
    ]
    const source = write('t.json', JSON.stringify(rows, null, 2))
    expect((await importRows(source)).rows).toEqual(rows)
    expect((await importRows(write('m.json', JSON.stringify(rows)))).rows).toEqual(rows)
  })

  it('reports elements that are not objects at the line they start on, and imports an empty array', async () => {
    const source = write('t.json', '[\n  {"id": "a"},\n  "text",\n  42,\n  [1, 2],\n  null,\n  {"id": "b",\n   "x": }\n]\n')
    expect(where(await refusal(source))).toEqual([
      '3: expected a JSON object, found a string',
      '4: expected a JSON object, found a number',
      '5: expected a JSON object, found an array',
      '6: expected a JSON object, found null',
      expect.stringMatching(/^7: not valid JSON/),
    ])
    expect((await importRows(write('e.json', ' [ ] '))).result.rows).toBe(0)
  })

  it('refuses what is not one array of objects, saying where', async () => {
    const cases: [string, string][] = [
      ['\n{"id":"a"}', '2: a JSON file to import must hold one array of objects: [ {…}, {…} ]; for one object per line use .jsonl'],
      ['[{"id":"a"}]\n[{"id":"b"}]', '2: unexpected text after the end of the array'],
      ['[{"id":"a"},\n{"id":"b"}', '2: the file ends before the array is closed with "]"'],
      ['[{"id":"a"}\n{"id":"b"}]', '2: expected "," or "]" after the array element, found "{"'],
      ['[{"id":"a"},\n]', '2: unexpected "]": a value is missing'],
      ['   ', '1: the file is empty; expected a JSON array of objects'],
    ]
    for (const [content, expected] of cases) {
      expect(where(await refusal(write('t.json', content), { format: 'json' }))).toEqual([expected])
    }
  })

  it('follows an escaped quote and an escaped backslash split across chunk boundaries', async () => {
    const prefix = '[{"id":"a","t":"'
    for (const [escape, rest] of [
      ['\\"', 'tail"}]'], // \" straddles the boundary: the string goes on
      ['\\\\', '"},{"id":"b"}]'], // \\ then " : the string ends at the boundary
    ]) {
      const fill = 'x'.repeat(CHUNK_BYTES - prefix.length - 1)
      const source = write('t.json', `${prefix}${fill}${escape}${rest}`)
      const { rows } = await importRows(source)
      expect(rows[0]!.t).toBe(`${fill}${escape === '\\"' ? '"tail' : '\\'}`)
      expect(rows).toHaveLength(escape === '\\"' ? 1 : 2)
    }
  })

  it('streams a ~50 MB array without parsing it whole', { timeout: 30_000 }, async () => {
    const count = 200_000
    const source = writeParts(
      'big.json',
      (function* () {
        yield '[\n'
        for (let i = 0; i < count; i += 1000) {
          const block: string[] = []
          for (let j = i; j < i + 1000; j++) {
            block.push(JSON.stringify({ id: `r${j}`, input: { question: `What happened to order ${j}? "Quoted" [x] {y}`, n: j }, tags: ['a', 'b'], pad: 'p'.repeat(120) }))
          }
          yield `${block.join(',\n')}${i + 1000 < count ? ',\n' : '\n'}`
        }
        yield ']\n'
      })(),
    )
    expect(fs.statSync(source).size).toBeGreaterThan(45_000_000)
    const progress: ImportProgress[] = []
    const started = performance.now()
    const { result, rows } = await importRows(source, { onProgress: (p) => progress.push(p) })
    const elapsed = performance.now() - started
    expect(result.rows).toBe(count)
    expect(rows[123_456]).toMatchObject({ id: 'r123456', input: { n: 123_456 } })
    expect(progress.length).toBeGreaterThan(10)
    expect(progress.at(-1)).toMatchObject({ bytesRead: fs.statSync(source).size, totalBytes: fs.statSync(source).size, rows: count })
    expect(elapsed).toBeLessThan(20_000)
  })
})

describe('text that is not UTF-8', () => {
  it('names the line of a bad byte, also past the first chunk', async () => {
    expect(where(await refusal(write('a.jsonl', Buffer.concat([Buffer.from('{"id":"a"}\n{"id":"b'), Buffer.from([0xe9]), Buffer.from('"}\n')])))))
      .toEqual(['2: not UTF-8 text (byte 0xe9 at offset 19); save the file as UTF-8 and import it again'])
    // 0xC0 0x80 is an overlong NUL: well-formed-looking but not UTF-8.
    const line = '{"id":"x"}\n'
    const lines = Math.ceil((CHUNK_BYTES * 1.5) / line.length)
    const source = writeParts('b.jsonl', [line.repeat(lines), Buffer.from([0xc0, 0x80]), '\n'])
    expect((await refusal(source)).issues?.[0]).toMatchObject({ line: lines + 1, message: expect.stringContaining(`byte 0xc0 at offset ${lines * line.length}`) })
  })

  it('accepts a character split across chunks and refuses one cut off at the end of the file', async () => {
    const prefix = 'id,text\n1,'
    const fill = 'x'.repeat(CHUNK_BYTES - Buffer.byteLength(prefix) - 1)
    const source = write('t.csv', `${prefix}${fill}é✓\n2,ok\n`) // é's two bytes straddle the boundary
    expect((await importRows(source)).rows.map((r) => r.text)).toEqual([`${fill}é✓`, 'ok'])
    const cut = write('c.csv', Buffer.concat([Buffer.from('id\n1\n2'), Buffer.from('✓').subarray(0, 2)]))
    expect((await refusal(cut)).issues?.[0]?.line).toBe(3)
    expect((await previewImport(cut)).rows).toEqual([{ id: '1' }])
  })
})

describe('over-long records', () => {
  const mb = MAX_RECORD_CHARS / 1024 / 1024
  const filler = function* (bytes: number) {
    const piece = 'a'.repeat(1024 * 1024)
    for (let left = bytes; left > 0; left -= piece.length) yield piece.slice(0, Math.min(left, piece.length))
  }

  it(`stops at a JSONL line over ${mb} MB instead of reading it whole`, { timeout: 30_000 }, async () => {
    const source = writeParts('t.jsonl', ['{"id":"a"}\n{"id":"b","t":"', ...filler(MAX_RECORD_CHARS + CHUNK_BYTES), '"}\n'])
    expect(where(await refusal(source))).toEqual([`2: this line is longer than ${mb} MB, the most one record may take; is the file really one record per line?`])
  })

  it(`stops at a JSON array element over ${mb} MB`, { timeout: 30_000 }, async () => {
    const json = writeParts('t.json', ['[{"id":"a"},\n{"t":"', ...filler(MAX_RECORD_CHARS + CHUNK_BYTES), '"}]'])
    expect(where(await refusal(json))).toEqual([`2: this array element is longer than ${mb} MB, the most one record may take`])
  })

  it(`stops at a CSV row over ${mb} MB (an unclosed quote)`, { timeout: 30_000 }, async () => {
    const csv = writeParts('t.csv', ['a,b\n1,2\n3,"', ...filler(MAX_RECORD_CHARS + 2 * CHUNK_BYTES)])
    expect(where(await refusal(csv))).toEqual([`3: a row starting here is longer than ${mb} MB; is a quote left open?`])
  })
})
