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
  // the JSON lives in `payloads` so list queries never page it in. Previews are
  // always kept for text search and list rows.
  `CREATE TABLE spans (
     id TEXT PRIMARY KEY, trace_id TEXT NOT NULL, parent_id TEXT, name TEXT NOT NULL, kind TEXT NOT NULL,
     start_ms REAL NOT NULL, end_ms REAL, status TEXT NOT NULL, error TEXT,
     inputs TEXT, inputs_preview TEXT, inputs_external INTEGER NOT NULL DEFAULT 0,
     output TEXT, output_preview TEXT, output_external INTEGER NOT NULL DEFAULT 0,
     attributes TEXT NOT NULL, usage TEXT NOT NULL,
     input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
     cost_usd REAL, session_id TEXT);
   CREATE INDEX spans_by_trace ON spans (trace_id, start_ms);
   CREATE INDEX spans_by_start ON spans (start_ms DESC);
   CREATE INDEX spans_by_name ON spans (name, start_ms DESC);
   CREATE INDEX spans_by_kind ON spans (kind, start_ms DESC);
   CREATE INDEX spans_by_status ON spans (status, start_ms DESC);
   CREATE TABLE payloads (span_id TEXT NOT NULL, field TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (span_id, field));
   CREATE TABLE traces (
     trace_id TEXT PRIMARY KEY, root_span_id TEXT, root_name TEXT NOT NULL, root_kind TEXT NOT NULL,
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
]

/** Opens and migrates a trace database; a damaged file is set aside so recording can continue. */
export function openTraceFile(file: string): Database.Database {
  return openMigratedDatabase(file, MIGRATIONS)
}
