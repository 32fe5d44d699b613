/**
 * The trace database's SQLite schema and how a file is opened: numbered
 * migrations (PRAGMA user_version), WAL so a killed process loses at most the
 * batch in flight, and a damaged file set aside rather than failing forever.
 */
import type Database from 'better-sqlite3'
import { openMigratedDatabase } from '../sqlite'

/**
 * Numbered schema migrations. Each entry moves version i to i+1; a new one goes
 * at the end with a test that opens a database of the previous version.
 */
export const MIGRATIONS: string[] = [
  // inputs/output hold the full JSON when small; when large they are NULL and
  // the JSON lives in `payloads` so list queries never page it in. A preview
  // column holds the start of a long value (NULL: the short inline value is its
  // own preview).
  //
  // Spans are keyed by (trace_seq, id), trace_seq numbering traces in arrival
  // order: span and trace ids are random (OpenTelemetry, the SDK), and an index
  // on a random key is written all over for every span — measured 4× slower
  // ingest than keys that grow. Only the traces table is keyed by the random
  // trace id, once per trace.
  `CREATE TABLE spans (
     trace_seq INTEGER NOT NULL, id TEXT NOT NULL, trace_id TEXT NOT NULL, parent_id TEXT, name TEXT NOT NULL, kind TEXT NOT NULL,
     start_ms REAL NOT NULL, end_ms REAL, status TEXT NOT NULL, error TEXT,
     inputs TEXT, inputs_preview TEXT, inputs_external INTEGER NOT NULL DEFAULT 0,
     output TEXT, output_preview TEXT, output_external INTEGER NOT NULL DEFAULT 0,
     attributes TEXT NOT NULL, usage TEXT NOT NULL,
     input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
     cost_usd REAL, session_id TEXT);
   CREATE UNIQUE INDEX spans_by_trace ON spans (trace_seq, id);
   CREATE TABLE payloads (trace_seq INTEGER NOT NULL, span_id TEXT NOT NULL, field TEXT NOT NULL, json TEXT NOT NULL,
     PRIMARY KEY (trace_seq, span_id, field));
   CREATE TABLE traces (
     trace_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, root_span_id TEXT, root_name TEXT NOT NULL, root_kind TEXT NOT NULL,
     start_ms REAL NOT NULL, end_ms REAL, latency_ms REAL, status TEXT NOT NULL,
     span_count INTEGER NOT NULL, error_count INTEGER NOT NULL,
     input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, total_tokens INTEGER NOT NULL,
     cost_usd REAL NOT NULL, session_id TEXT, inputs_preview TEXT, output_preview TEXT,
     -- Bookkeeping for incremental rollups: the span naming the trace (a
     -- parentless one once it arrives) and how many spans are still open.
     root_parent_id TEXT, root_start_ms REAL NOT NULL, running_count INTEGER NOT NULL);
   CREATE INDEX traces_by_start ON traces (start_ms DESC, trace_id DESC);
   CREATE INDEX traces_by_name ON traces (root_name, start_ms DESC);
   CREATE INDEX traces_by_session ON traces (session_id, start_ms DESC);`,
  // The Weave door's own tables (main/traces/weave/) and feedback on spans.
  // weave_calls indexes Weave calls (their payloads live in spans) and holds
  // what cannot be a span yet: an end whose start has not arrived, the usage
  // children reported (Weave sums it into parents), renames. Objects, tables
  // and files are content-addressed by Weave's digests. feedback is Weft's,
  // for any source: thumbs, notes and scores from the UI, Weave feedback.
  `CREATE TABLE weave_calls (
     id TEXT PRIMARY KEY, project_id TEXT NOT NULL, trace_id TEXT, parent_id TEXT, op_name TEXT,
     started_ms REAL, ended_ms REAL, pending_end TEXT, child_usage TEXT, display_name TEXT);
   CREATE INDEX weave_calls_by_project ON weave_calls (project_id, started_ms);
   CREATE INDEX weave_calls_by_trace ON weave_calls (trace_id, started_ms);
   CREATE INDEX weave_calls_by_parent ON weave_calls (parent_id);
   CREATE TABLE weave_objects (
     project_id TEXT NOT NULL, object_id TEXT NOT NULL, digest TEXT NOT NULL, version_index INTEGER NOT NULL,
     kind TEXT NOT NULL, base_object_class TEXT, leaf_object_class TEXT, val TEXT NOT NULL,
     created_ms REAL NOT NULL, deleted_ms REAL,
     PRIMARY KEY (project_id, object_id, digest));
   CREATE UNIQUE INDEX weave_objects_by_version ON weave_objects (project_id, object_id, version_index);
   CREATE INDEX weave_objects_by_class ON weave_objects (project_id, base_object_class, object_id);
   CREATE TABLE weave_tables (project_id TEXT NOT NULL, digest TEXT NOT NULL, row_digests TEXT NOT NULL, created_ms REAL NOT NULL,
     PRIMARY KEY (project_id, digest));
   CREATE TABLE weave_table_rows (project_id TEXT NOT NULL, digest TEXT NOT NULL, val TEXT NOT NULL, PRIMARY KEY (project_id, digest));
   CREATE TABLE weave_files (project_id TEXT NOT NULL, digest TEXT NOT NULL, content BLOB NOT NULL, created_ms REAL NOT NULL,
     PRIMARY KEY (project_id, digest));
   CREATE TABLE feedback (
     id TEXT PRIMARY KEY, span_id TEXT, trace_id TEXT, type TEXT NOT NULL, name TEXT, value TEXT, payload TEXT NOT NULL,
     creator TEXT, created_ms REAL NOT NULL, source TEXT NOT NULL,
     -- What the feedback is about when it is not a span (a Weave object ref), and the source's own fields.
     target_ref TEXT, project_id TEXT, extra TEXT);
   CREATE INDEX feedback_by_span ON feedback (span_id, created_ms);
   CREATE INDEX feedback_by_trace ON feedback (trace_id, created_ms);
   CREATE INDEX feedback_by_project ON feedback (project_id, created_ms);`,
  // Text search over the trace list (root name and previews): a trigram index,
  // filled in the background (search.ts) because indexing costs ~10 µs a trace,
  // too much for the ingest path. text_state: 1 never indexed, 2 indexed but
  // changed since, 0 indexed; rows not at 0 are searched by a plain scan.
  `ALTER TABLE traces ADD COLUMN text_state INTEGER NOT NULL DEFAULT 1;
   CREATE UNIQUE INDEX traces_by_seq ON traces (seq);
   CREATE INDEX traces_text_pending ON traces (seq) WHERE text_state > 0;
   CREATE VIRTUAL TABLE traces_text USING fts5(body, content='', contentless_delete=1, tokenize='trigram');`,
  // The root span's scalar attributes per trace, for the attribute filter: a
  // rare value would otherwise mean json_extract over every trace. Filled by
  // the same background indexer as the text index (same text_state).
  `CREATE TABLE trace_attributes (key TEXT NOT NULL, value, seq INTEGER NOT NULL);
   CREATE INDEX trace_attributes_lookup ON trace_attributes (key, value, seq);
   CREATE INDEX trace_attributes_by_seq ON trace_attributes (seq);`,
  // Evaluation runs (issue 8): what was run with which pinned versions, and one
  // row per dataset row × trial, written as each finishes so a killed run
  // resumes with exactly the rows that are missing.
  `CREATE TABLE eval_runs (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, pinned TEXT NOT NULL, git_commit TEXT,
     status TEXT NOT NULL, started_ms REAL NOT NULL, ended_ms REAL, total INTEGER NOT NULL, summary TEXT);
   CREATE INDEX eval_runs_by_name ON eval_runs (name, started_ms DESC);
   CREATE TABLE eval_rows (
     run_id TEXT NOT NULL, row_id TEXT NOT NULL, trial INTEGER NOT NULL, output TEXT, error TEXT,
     latency_ms REAL, tokens INTEGER NOT NULL, cost_usd REAL, scores TEXT NOT NULL,
     PRIMARY KEY (run_id, row_id, trial));`,
  // Where a run came from (weft: the engine; sdk: evaluate() in a user's
  // process; weave: a W&B Weave evaluation), which process runs it (a run
  // left 'running' by a process that is gone was interrupted), and each
  // row's trace (target call, then scorer calls).
  `ALTER TABLE eval_runs ADD COLUMN source TEXT NOT NULL DEFAULT 'weft';
   ALTER TABLE eval_runs ADD COLUMN pid INTEGER;
   ALTER TABLE eval_rows ADD COLUMN trace_id TEXT;`,
  // Run bundles (issue 9): when a run was imported (NULL: made here), and the
  // content of the versions imported runs pinned, by ref (`prompt:x@digest`),
  // so they can be shown where this project's store lacks them.
  `ALTER TABLE eval_runs ADD COLUMN imported_ms REAL;
   CREATE TABLE eval_objects (ref TEXT PRIMARY KEY, content TEXT NOT NULL);`,
  // Annotations (issue 10): one per queue item and annotator, id made by the
  // client's outbox. values/expected are JSON (expected NULL: not corrected;
  // 'null': corrected to null); complete is 1 when every required field of the
  // queue version it names has a value. stored_ms is when it first arrived.
  `CREATE TABLE annotations (
     id TEXT PRIMARY KEY, queue TEXT NOT NULL, item_id TEXT NOT NULL, annotator TEXT NOT NULL, queue_version TEXT NOT NULL,
     values_json TEXT NOT NULL, expected_json TEXT, note TEXT, updated_ms REAL NOT NULL, stored_ms REAL NOT NULL, complete INTEGER NOT NULL);
   CREATE UNIQUE INDEX annotations_by_item ON annotations (queue, item_id, annotator);
   CREATE INDEX annotations_by_queue ON annotations (queue, stored_ms);`,
]

/** Opens and migrates a trace database; a damaged file is set aside so recording can continue. */
export function openTraceFile(file: string): Database.Database {
  const db = openMigratedDatabase(file, MIGRATIONS)
  // Span ids are random, so their index is written all over: a bigger page
  // cache keeps those pages in memory (measured: the default 2 MB halves ingest
  // speed past a few hundred thousand spans).
  db.pragma('cache_size = -65536')
  // Each batch dirties pages all over the random trace-id index; checkpointing
  // every 1,000 WAL pages (the default) then ran nearly every commit. 10,000
  // pages (40 MB of WAL) measured ~20% faster ingest; the limit trims the file
  // back after a checkpoint.
  db.pragma('wal_autocheckpoint = 10000')
  db.pragma('journal_size_limit = 67108864')
  return db
}
