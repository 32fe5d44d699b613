/**
 * The version index: which contents each object has had, in which commit, by
 * whom — kept in SQLite under `.weft/` because git can only answer "versions
 * of this file" by walking the whole history (isomorphic-git's
 * `log({ filepath })` costs ~0.45 ms per commit of the entire repository).
 * Saves update it directly; anything else that moved a branch (a commit in a
 * terminal, a pull) is caught up incrementally by `catchUp`. Deleting the file
 * only costs a rebuild.
 */
import path from 'node:path'
import type Database from 'better-sqlite3'
import { openMigratedDatabase } from '../sqlite'
import type { ObjectKind } from '../../common/schemas/project'

/** One distinct content of an object. */
export interface VersionRow {
  kind: ObjectKind
  name: string
  /** Git blob id of the canonical content: the version's identity. */
  blob: string
  /** Ordinal among the object's distinct contents: v1, v2, … */
  n: number
  /** The commit that first introduced this content. */
  commit: string
  /** Seconds since the epoch (commit time). */
  time: number
  author: string
  email: string
  message: string
}

/** A commit as the index keeps it. */
export interface CommitInfo {
  oid: string
  parents: string[]
  time: number
  author: string
  email: string
  message: string
}

/** An object's content in one commit; `blob` null means the object was deleted. */
export interface ChangeInfo {
  kind: ObjectKind
  name: string
  path: string
  blob: string | null
}

/**
 * Numbered schema migrations (PRAGMA user_version). Each entry moves version
 * i to i+1; a new one goes at the end with a test that opens a database of the
 * previous version.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE commits (
     oid TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, parents TEXT NOT NULL,
     time INTEGER NOT NULL, author TEXT NOT NULL, email TEXT NOT NULL, message TEXT NOT NULL);
   CREATE TABLE changes (
     commit_oid TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL, blob TEXT,
     PRIMARY KEY (kind, name, commit_oid));
   CREATE TABLE versions (
     kind TEXT NOT NULL, name TEXT NOT NULL, blob TEXT NOT NULL, n INTEGER NOT NULL,
     commit_oid TEXT NOT NULL, time INTEGER NOT NULL, author TEXT NOT NULL, email TEXT NOT NULL, message TEXT NOT NULL,
     PRIMARY KEY (kind, name, blob));
   CREATE UNIQUE INDEX versions_by_n ON versions (kind, name, n);`,
]

/** The index file inside a project. */
export function indexPath(dir: string): string {
  return path.join(dir, '.weft', 'index.db')
}

/** An open version index. */
export class VersionIndex {
  private readonly db: Database.Database
  private readonly statements

  constructor(file: string) {
    // The index is only a cache of git history: a damaged file is set aside and rebuilt.
    this.db = openMigratedDatabase(file, MIGRATIONS)
    this.statements = {
      getMeta: this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      hasCommit: this.db.prepare<[string], { oid: string }>('SELECT oid FROM commits WHERE oid = ?'),
      nextSeq: this.db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM commits'),
      insertCommit: this.db.prepare(
        'INSERT OR IGNORE INTO commits (oid, seq, parents, time, author, email, message) VALUES (@oid, @seq, @parents, @time, @author, @email, @message)',
      ),
      insertChange: this.db.prepare(
        'INSERT OR REPLACE INTO changes (commit_oid, kind, name, path, blob) VALUES (@commit, @kind, @name, @path, @blob)',
      ),
      versionByBlob: this.db.prepare<[string, string, string], VersionRow>(
        'SELECT kind, name, blob, n, commit_oid AS "commit", time, author, email, message FROM versions WHERE kind = ? AND name = ? AND blob = ?',
      ),
      maxN: this.db.prepare<[string, string], { n: number | null }>('SELECT MAX(n) AS n FROM versions WHERE kind = ? AND name = ?'),
      insertVersion: this.db.prepare(
        'INSERT OR IGNORE INTO versions (kind, name, blob, n, commit_oid, time, author, email, message) VALUES (@kind, @name, @blob, @n, @commit, @time, @author, @email, @message)',
      ),
      versions: this.db.prepare<[string, string], VersionRow>(
        'SELECT kind, name, blob, n, commit_oid AS "commit", time, author, email, message FROM versions WHERE kind = ? AND name = ? ORDER BY n DESC',
      ),
      versionByN: this.db.prepare<[string, string, number], VersionRow>(
        'SELECT kind, name, blob, n, commit_oid AS "commit", time, author, email, message FROM versions WHERE kind = ? AND name = ? AND n = ?',
      ),
      versionsByPrefix: this.db.prepare<[string, string, string], VersionRow>(
        "SELECT kind, name, blob, n, commit_oid AS \"commit\", time, author, email, message FROM versions WHERE kind = ? AND name = ? AND blob LIKE ? LIMIT 2",
      ),
      history: this.db.prepare<[string, string, number], ChangeInfo & { commit: string; time: number; author: string; email: string; message: string }>(
        `SELECT c.kind, c.name, c.path, c.blob, c.commit_oid AS "commit", m.time, m.author, m.email, m.message
         FROM changes c JOIN commits m ON m.oid = c.commit_oid WHERE c.kind = ? AND c.name = ? ORDER BY m.seq DESC LIMIT ?`,
      ),
      copyVersions: this.db.prepare(
        `INSERT OR IGNORE INTO versions (kind, name, blob, n, commit_oid, time, author, email, message)
         SELECT kind, @to, blob, n, commit_oid, time, author, email, message FROM versions WHERE kind = @kind AND name = @from`,
      ),
    }
  }



  /** A stored value (e.g. the last indexed head of each branch). */
  getMeta(key: string): string | undefined {
    return this.statements.getMeta.get(key)?.value
  }

  /** Stores a value. */
  setMeta(key: string, value: string): void {
    this.statements.setMeta.run(key, value)
  }

  /** True when the commit has been indexed. */
  hasCommit(oid: string): boolean {
    return this.statements.hasCommit.get(oid) !== undefined
  }

  /**
   * Records one commit and the object contents it changed, assigning vN to
   * contents seen for the first time. Commits must arrive parents first.
   */
  recordCommit(commit: CommitInfo, changes: readonly ChangeInfo[], renames: ReadonlyArray<{ kind: ObjectKind; from: string; to: string }> = []): VersionRow[] {
    const created: VersionRow[] = []
    this.db.transaction(() => {
      if (this.hasCommit(commit.oid)) return
      const seq = (this.statements.nextSeq.get()?.seq ?? 0) + 1
      this.statements.insertCommit.run({ ...commit, seq, parents: commit.parents.join(' ') })
      // A rename carries the old name's versions (and their numbers) over first.
      for (const rename of renames) this.statements.copyVersions.run(rename)
      for (const change of changes) {
        this.statements.insertChange.run({ ...change, commit: commit.oid })
        if (!change.blob) continue
        if (this.statements.versionByBlob.get(change.kind, change.name, change.blob)) continue
        const n = (this.statements.maxN.get(change.kind, change.name)?.n ?? 0) + 1
        const row: VersionRow = {
          kind: change.kind,
          name: change.name,
          blob: change.blob,
          n,
          commit: commit.oid,
          time: commit.time,
          author: commit.author,
          email: commit.email,
          message: commit.message,
        }
        this.statements.insertVersion.run(row)
        created.push(row)
      }
    })()
    return created
  }

  /** Distinct contents of an object, newest number first. */
  versions(kind: ObjectKind, name: string): VersionRow[] {
    return this.statements.versions.all(kind, name)
  }

  /** The version with ordinal n. */
  versionByNumber(kind: ObjectKind, name: string, n: number): VersionRow | undefined {
    return this.statements.versionByN.get(kind, name, n)
  }

  /** The version with this exact blob id. */
  versionByBlob(kind: ObjectKind, name: string, blob: string): VersionRow | undefined {
    return this.statements.versionByBlob.get(kind, name, blob)
  }

  /** Versions whose digest starts with `prefix` (at most two, to detect ambiguity). */
  versionsByPrefix(kind: ObjectKind, name: string, prefix: string): VersionRow[] {
    // The prefix is validated hex, so it holds no LIKE wildcards.
    return this.statements.versionsByPrefix.all(kind, name, `${prefix.toLowerCase()}%`)
  }

  /** Every commit that changed the object (saves, restores, deletes), newest first. */
  history(kind: ObjectKind, name: string, limit = 1000) {
    return this.statements.history.all(kind, name, limit)
  }

  /** Closes the database. */
  close(): void {
    this.db.close()
  }
}
