/**
 * Text search over the trace list: a trigram index (SQLite FTS5) of each
 * trace's root name and input/output previews, so "text in inputs/outputs"
 * stays fast at a million spans. Indexing costs ~10 µs a trace — too much for
 * the ingest path — so traces are indexed in the background in small chunks
 * ({@link indexTraceText}); until then they are found by a plain scan.
 */
import type Database from 'better-sqlite3'

/** FTS matches above this many are not worth a lookup each: the scan in start order finds a page sooner. */
const MAX_INDEXED_MATCHES = 5000
/** Trigrams need three characters. */
const MIN_INDEXED_QUERY = 3

type Statements = ReturnType<typeof statements>
const cache = new WeakMap<Database.Database, Statements>()

function statements(db: Database.Database) {
  return {
    pending: db.prepare<[number], { seq: number; trace_id: string; text_state: number; root_name: string; inputs_preview: string | null; output_preview: string | null; root_span_id: string | null }>(
      'SELECT seq, trace_id, text_state, root_name, inputs_preview, output_preview, root_span_id FROM traces WHERE text_state > 0 ORDER BY seq LIMIT ?',
    ),
    removeAttributes: db.prepare('DELETE FROM trace_attributes WHERE seq = ?'),
    // Scalars only (the filter compares with one value); json_each gives SQL values: true/false as 1/0, as json_extract does.
    addAttributes: db.prepare(`INSERT INTO trace_attributes (key, value, seq)
      SELECT j.key, j.value, s.trace_seq FROM spans s, json_each(s.attributes) j
      WHERE s.trace_seq = @seq AND s.id = @id AND j.type NOT IN ('object', 'array', 'null') AND length(j.key) <= 200
        AND (j.type != 'text' OR length(j.value) <= 1000)`),
    attributeMatches: db.prepare<[string, unknown, number], { seq: number }>('SELECT seq FROM trace_attributes WHERE key = ? AND value = ? LIMIT ?'),
    remove: db.prepare('DELETE FROM traces_text WHERE rowid = ?'),
    add: db.prepare('INSERT INTO traces_text (rowid, body) VALUES (?, ?)'),
    done: db.prepare('UPDATE traces SET text_state = 0 WHERE trace_id = ?'),
    matches: db.prepare<[string, number], { seq: number }>('SELECT rowid AS seq FROM traces_text WHERE traces_text MATCH ? LIMIT ?'),
  }
}

function prepared(db: Database.Database): Statements {
  let s = cache.get(db)
  if (!s) cache.set(db, (s = statements(db)))
  return s
}

/** Indexes up to `limit` traces that are new or changed; returns how many it indexed (0: all caught up). */
export function indexTraceText(db: Database.Database, limit: number): number {
  const s = prepared(db)
  // IMMEDIATE: the write lock first, so a concurrent writer makes this wait instead of failing.
  return db.transaction(() => {
    const rows = s.pending.all(limit)
    for (const row of rows) {
      if (row.text_state === 2) {
        s.remove.run(row.seq)
        s.removeAttributes.run(row.seq)
      }
      s.add.run(row.seq, [row.root_name, row.inputs_preview ?? '', row.output_preview ?? ''].join('\n'))
      if (row.root_span_id) s.addAttributes.run({ seq: row.seq, id: row.root_span_id })
      s.done.run(row.trace_id)
    }
    return rows.length
  }).immediate()
}

/** The LIKE pattern for `text` (a case-insensitive substring, wildcards escaped). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

const SCAN = "(root_name LIKE @text ESCAPE '\\' OR inputs_preview LIKE @text ESCAPE '\\' OR output_preview LIKE @text ESCAPE '\\')"

/**
 * The WHERE clause (and its parameters) for a text filter. A rare text is
 * looked up in the index (plus a scan of traces not indexed yet); a short or
 * very common text is scanned in list order, which finds a page quickly.
 */
export function textFilter(db: Database.Database, text: string): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { text: likePattern(text) }
  if (text.length < MIN_INDEXED_QUERY) return { sql: SCAN, params }
  // A phrase: the trigram tokenizer matches it as a case-insensitive substring.
  const phrase = `"${text.replace(/"/g, '""')}"`
  const matches = prepared(db).matches.all(phrase, MAX_INDEXED_MATCHES + 1)
  if (matches.length > MAX_INDEXED_MATCHES) return { sql: SCAN, params }
  // The index holds trigrams of up to three characters of each word run; it can
  // over-match on a contentless table, so indexed hits are checked with LIKE too.
  const seqs = matches.map((m) => m.seq)
  params.textSeqs = JSON.stringify(seqs)
  // Candidates: indexed hits (by seq), and traces not indexed yet (by the partial index) that match.
  return {
    sql: `trace_id IN (
      SELECT trace_id FROM traces WHERE seq IN (SELECT value FROM json_each(@textSeqs)) AND text_state = 0 AND ${SCAN}
      UNION ALL SELECT trace_id FROM traces WHERE text_state > 0 AND ${SCAN})`,
    params,
  }
}

/**
 * The WHERE clause for "the root span's attribute `key` equals `value`":
 * looked up in the attribute index (plus a scan of traces not indexed yet),
 * or, for a value so common the lookup would list thousands of traces, a scan
 * in list order that fills a page quickly.
 */
export function attributeFilter(db: Database.Database, key: string, value: string | number | boolean, i: number): { sql: string; params: Record<string, unknown> } {
  const sqlValue = typeof value === 'boolean' ? Number(value) : value
  // JSON paths quote the key so dots in OpenTelemetry names ("gen_ai.system") are not path steps.
  const params: Record<string, unknown> = { [`attrPath${i}`]: `$."${key.replace(/["\\]/g, (c) => `\\${c}`)}"`, [`attrValue${i}`]: sqlValue }
  const scan = `EXISTS (SELECT 1 FROM spans s WHERE s.trace_seq = traces.seq AND s.id = traces.root_span_id AND json_extract(s.attributes, @attrPath${i}) = @attrValue${i})`
  const matches = prepared(db).attributeMatches.all(key, sqlValue, MAX_INDEXED_MATCHES + 1)
  if (matches.length > MAX_INDEXED_MATCHES) return { sql: scan, params }
  params[`attrSeqs${i}`] = JSON.stringify(matches.map((m) => m.seq))
  return {
    sql: `trace_id IN (
      SELECT trace_id FROM traces WHERE seq IN (SELECT value FROM json_each(@attrSeqs${i})) AND text_state = 0
      UNION ALL SELECT trace_id FROM traces WHERE text_state > 0 AND ${scan})`,
    params,
  }
}
