import type { Database, Statement } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { DateUtils } from 'typeorm/util/DateUtils';
import {
  BUMP_CATALOG_VERSION_SQL,
  type CatalogBulkWriter,
  changedTracksSql,
  MAX_LISTED_CHANGES,
  mergeCounts,
  type MergeCounts,
  mergeGenresSql,
  mergeTracksSql,
  type SqlStatement,
  type StagedRow,
  TRACK_VALUE_COLUMNS,
  putTrackValues,
} from './catalog-sql';

/**
 * Rows per staging INSERT: one statement run per row cost more than the row's own insert; 100 rows
 * of 22 values stay far under SQLite's limit of bound parameters (32,766).
 */
const ROWS_PER_INSERT = 100;
const GENRES_PER_INSERT = 500;

/**
 * SQLite: prepared statements on better-sqlite3, staging in TEMP tables (private to the connection,
 * outside the database file, gone with the process). The merge is one synchronous transaction, so
 * no other statement of the process can run between its parts.
 */
export class SqliteCatalogWriter implements CatalogBulkWriter {
  private readonly staged = `temp.catalog_stage_${randomBytes(4).toString('hex')}`;
  private readonly stagedGenres = `${this.staged}_genres`;
  private insertTrack?: Statement;
  private insertTracks?: Statement;
  private insertGenre?: Statement;
  private insertGenres?: Statement;
  /** The values of one INSERT, filled anew for each (a statement binds them as it runs). */
  private readonly values: unknown[] = new Array(ROWS_PER_INSERT * TRACK_VALUE_COLUMNS.length);
  private readonly rowValues: unknown[] = new Array(TRACK_VALUE_COLUMNS.length);
  private readonly genreValues: unknown[] = [];
  private open = false;

  constructor(private readonly db: Database) {}

  begin(): Promise<void> {
    const columns = TRACK_VALUE_COLUMNS.join(', ');
    // Append-only (no key to keep in order while rows arrive); duplicates are settled at commit.
    this.db.exec(
      `CREATE TABLE ${this.staged} (${columns});` +
        `CREATE TABLE ${this.stagedGenres} (id, genre);`,
    );
    this.open = true;
    const row = `(${TRACK_VALUE_COLUMNS.map(() => '?').join(', ')})`;
    const insert = (table: string, row: string, rows: number) =>
      this.db.prepare(`INSERT INTO ${table} VALUES ${Array(rows).fill(row).join(', ')}`);
    this.insertTrack = insert(this.staged, row, 1);
    this.insertTracks = insert(this.staged, row, ROWS_PER_INSERT);
    this.insertGenre = insert(this.stagedGenres, '(?, ?)', 1);
    this.insertGenres = insert(this.stagedGenres, '(?, ?)', GENRES_PER_INSERT);
    return Promise.resolve();
  }

  /** In file order (the merge keeps the last row of an id by rowid): whole INSERTs, then the rest. */
  stage(rows: readonly StagedRow[]): Promise<void> {
    const width = TRACK_VALUE_COLUMNS.length;
    const { values, rowValues } = this;
    const genres = this.genreValues;
    this.db.transaction(() => {
      genres.length = 0;
      let at = 0;
      for (; at + ROWS_PER_INSERT <= rows.length; at += ROWS_PER_INSERT) {
        for (let i = 0; i < ROWS_PER_INSERT; i += 1) {
          putTrackValues(rows[at + i].track, Number, values, i * width);
        }
        this.insertTracks!.run(values);
      }
      for (; at < rows.length; at += 1) {
        putTrackValues(rows[at].track, Number, rowValues, 0);
        this.insertTrack!.run(rowValues);
      }
      for (const { track } of rows) {
        for (const genre of track.genres) {
          genres.push(track.id, genre);
          if (genres.length === 2 * GENRES_PER_INSERT) {
            this.insertGenres!.run(genres);
            genres.length = 0;
          }
        }
      }
      for (let at = 0; at < genres.length; at += 2) {
        this.insertGenre!.run(genres[at], genres[at + 1]);
      }
      genres.length = 0;
    })();
    return Promise.resolve();
  }

  async commit(
    source: string,
    now: Date,
    also?: (counts: MergeCounts) => SqlStatement,
  ): Promise<MergeCounts> {
    const time = DateUtils.mixedDateToUtcDatetimeString(now) as string;
    const last = `${this.staged}_last`;
    const genres = `${this.staged}_set`;
    const changed = `${this.staged}_changed`;
    const columns = TRACK_VALUE_COLUMNS.join(', ');
    const counts = this.db.transaction((): MergeCounts => {
      // The last row of each id (rows are appended in file order, so the highest rowid): SQLite
      // takes a bare column's value from the row that max() picked. Grouping also sorts by id, so
      // the merge below inserts in key order.
      this.db.exec(
        `CREATE TABLE ${last} AS SELECT ${columns} FROM ` +
          `(SELECT ${columns}, max(rowid) FROM ${this.staged} GROUP BY id);` +
          `CREATE TABLE ${genres} AS SELECT DISTINCT id, genre FROM ${this.stagedGenres};` +
          `CREATE INDEX ${genres}_id ON ${genres.replace('temp.', '')} (id);` +
          `CREATE TABLE ${changed} AS ${changedTracksSql(last, genres)};`,
      );
      const tracks = this.count(`SELECT COUNT(*) FROM ${last}`);
      const total = this.count(`SELECT COUNT(*) FROM ${changed}`);
      const added = this.count(`SELECT COUNT(*) FROM ${changed} WHERE added = 1`);
      const changedIds =
        total <= MAX_LISTED_CHANGES
          ? (this.db.prepare(`SELECT id FROM ${changed}`).pluck().all() as string[])
          : null;
      this.db.prepare(mergeTracksSql(last, ['?', '?', '?'])).run(source, time, time);
      this.db.exec(mergeGenresSql(genres));
      if (total > 0) this.db.exec(BUMP_CATALOG_VERSION_SQL);
      const counts = mergeCounts(tracks, total, added, changedIds);
      if (also) {
        const statement = also(counts);
        this.db.prepare(statement.sql).run(...statement.params);
      }
      return counts;
    })();
    await this.abort();
    return counts;
  }

  private count(sql: string): number {
    return this.db.prepare(sql).pluck().get() as number;
  }

  abort(): Promise<void> {
    if (this.open) {
      this.open = false;
      const tables = ['', '_genres', '_last', '_set', '_changed'].map(
        (suffix) => this.staged + suffix,
      );
      this.db.exec(tables.map((table) => `DROP TABLE IF EXISTS ${table};`).join(''));
    }
    return Promise.resolve();
  }
}
