import type { Database, Statement } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { DateUtils } from 'typeorm/util/DateUtils';
import {
  type CatalogBulkWriter,
  changedTracksSql,
  MAX_LISTED_CHANGES,
  type MergeCounts,
  mergeGenresSql,
  mergeTracksSql,
  type SqlStatement,
  type StagedRow,
  TRACK_VALUE_COLUMNS,
  trackValues,
} from './catalog-sql';

/**
 * SQLite: prepared statements on better-sqlite3, staging in TEMP tables (private to the connection,
 * outside the database file, gone with the process). The merge is one synchronous transaction, so
 * no other statement of the process can run between its parts.
 */
export class SqliteCatalogWriter implements CatalogBulkWriter {
  private readonly staged = `temp.catalog_stage_${randomBytes(4).toString('hex')}`;
  private readonly stagedGenres = `${this.staged}_genres`;
  private insertTrack?: Statement;
  private insertGenre?: Statement;
  private open = false;

  constructor(private readonly db: Database) {}

  begin(): Promise<void> {
    const columns = TRACK_VALUE_COLUMNS.filter((column) => column !== 'id').join(', ');
    this.db.exec(
      `CREATE TABLE ${this.staged} (id TEXT PRIMARY KEY, line INTEGER, ${columns});` +
        `CREATE TABLE ${this.stagedGenres} (id TEXT, genre TEXT, PRIMARY KEY (id, genre)) WITHOUT ROWID;`,
    );
    this.open = true;
    const placeholders = TRACK_VALUE_COLUMNS.map(() => '?').join(', ');
    // A later row of the same id replaces the earlier one (its genres stay in the genre table).
    this.insertTrack = this.db.prepare(
      `INSERT OR REPLACE INTO ${this.staged} (${TRACK_VALUE_COLUMNS.join(', ')}, line) VALUES (${placeholders}, ?)`,
    );
    this.insertGenre = this.db.prepare(`INSERT OR IGNORE INTO ${this.stagedGenres} VALUES (?, ?)`);
    return Promise.resolve();
  }

  stage(rows: readonly StagedRow[]): Promise<void> {
    const insertTrack = this.insertTrack!;
    const insertGenre = this.insertGenre!;
    this.db.transaction(() => {
      for (const { line, track } of rows) {
        insertTrack.run(...trackValues(track, Number), line);
        for (const genre of track.genres) insertGenre.run(track.id, genre);
      }
    })();
    return Promise.resolve();
  }

  async commit(
    source: string,
    now: Date,
    also?: (counts: MergeCounts) => SqlStatement,
  ): Promise<MergeCounts> {
    const time = DateUtils.mixedDateToUtcDatetimeString(now) as string;
    const changed = `${this.staged}_changed`;
    const counts = this.db.transaction((): MergeCounts => {
      this.db.exec(
        `CREATE TABLE ${changed} AS ${changedTracksSql(this.staged, this.stagedGenres)}`,
      );
      const tracks = (
        this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.staged}`).get() as {
          n: number;
        }
      ).n;
      const { added, total } = this.db
        .prepare(`SELECT COALESCE(SUM(added), 0) AS added, COUNT(*) AS total FROM ${changed}`)
        .get() as { added: number; total: number };
      const changedIds =
        total <= MAX_LISTED_CHANGES
          ? (this.db.prepare(`SELECT id FROM ${changed}`).pluck().all() as string[])
          : null;
      this.db.prepare(mergeTracksSql(this.staged, ['?', '?', '?'])).run(source, time, time);
      this.db.exec(mergeGenresSql(this.stagedGenres));
      this.db.exec(`DROP TABLE ${changed}`);
      const counts = {
        tracks,
        added,
        updated: total - added,
        unchanged: tracks - total,
        changedIds,
      };
      if (also) {
        const statement = also(counts);
        this.db.prepare(statement.sql).run(...statement.params.map(sqliteValue));
      }
      return counts;
    })();
    await this.abort();
    return counts;
  }

  abort(): Promise<void> {
    if (this.open) {
      this.open = false;
      this.db.exec(
        `DROP TABLE IF EXISTS ${this.staged}; DROP TABLE IF EXISTS ${this.stagedGenres};`,
      );
    }
    return Promise.resolve();
  }
}

/** better-sqlite3 binds no Dates or booleans: as TypeORM stores them. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return DateUtils.mixedDateToUtcDatetimeString(value);
  if (typeof value === 'boolean') return Number(value);
  return value;
}
