import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Writable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
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
import { BinaryCopyRows } from './binary-copy-rows';

const COLUMN_TYPES: Record<string, string> = {
  id: 'varchar(64)',
  name: 'text',
  artists: 'text',
  album_id: 'varchar(64)',
  album_name: 'text',
  release_date: 'varchar(10)',
  year: 'integer',
  popularity: 'integer',
  explicit: 'boolean',
  key: 'integer',
  mode: 'integer',
  duration_ms: 'integer',
  time_signature: 'integer',
};

const columnType = (column: string): string => COLUMN_TYPES[column] ?? 'double precision';

/** How each of TRACK_VALUE_COLUMNS goes into the binary COPY, by its staging column's type. */
const ENCODINGS = TRACK_VALUE_COLUMNS.map((column) => {
  const type = columnType(column);
  if (type === 'integer' || type === 'boolean' || type === 'double precision') return type;
  return 'text';
});

/**
 * PostgreSQL: one connection of the pool held for the whole import; rows stream into a TEMP table
 * with a binary COPY (no per-row round trips, not WAL-logged, numbers as their bytes), and the merge
 * is one transaction on that connection. A dead process's session takes its temp tables with it.
 */
export class PostgresCatalogWriter implements CatalogBulkWriter {
  private readonly staged = `catalog_stage_${randomBytes(4).toString('hex')}`;
  private runner?: QueryRunner;
  private client?: PoolClient;
  private copy?: Writable;
  private copyDone?: Promise<unknown>;
  /** The COPY's failure (its connection cut, the server restarting): the COPY cannot go on. */
  private copyError?: Error;
  /** One row's values, filled anew for each row. */
  private readonly values: unknown[] = new Array(TRACK_VALUE_COLUMNS.length);
  private readonly rows = new BinaryCopyRows();

  constructor(private readonly dataSource: DataSource) {}

  async begin(): Promise<void> {
    this.runner = this.dataSource.createQueryRunner();
    await this.runner.connect();
    this.client = (this.runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    const columns = TRACK_VALUE_COLUMNS.map((column) => `${column} ${columnType(column)}`);
    await this.client.query(
      `CREATE TEMP TABLE ${this.staged} (line integer, ${columns.join(', ')}, genres text[])`,
    );
    this.copy = this.client.query(
      copyFrom(
        `COPY ${this.staged} (line, ${TRACK_VALUE_COLUMNS.join(', ')}, genres) ` +
          `FROM STDIN (FORMAT binary)`,
      ),
    );
    this.copyDone = once(this.copy, 'finish');
    // Kept from becoming an unhandled rejection; the error surfaces from stage or finish.
    this.copyDone.catch(() => undefined);
    // Listened to for the COPY's whole life: an 'error' nobody listens to would end the process.
    this.copy.on('error', (error: Error) => (this.copyError ??= error));
    // Held by the stream until PostgreSQL has started the COPY.
    this.copy.write(BinaryCopyRows.HEADER);
  }

  async stage(rows: readonly StagedRow[]): Promise<void> {
    // A COPY whose connection is gone has no connection to write to any more.
    if (this.copyError) throw this.copyError;
    const { values, rows: out } = this;
    for (const { line, track } of rows) {
      putTrackValues(track, Boolean, values, 0);
      out.row(values.length + 2);
      out.int4(line);
      for (let i = 0; i < values.length; i += 1) {
        const value = values[i];
        if (value === null || value === undefined) out.null();
        else if (ENCODINGS[i] === 'double precision') out.float8(value as number);
        else if (ENCODINGS[i] === 'text') out.text(value as string);
        else if (ENCODINGS[i] === 'integer') out.int4(value as number);
        else out.bool(value as boolean);
      }
      out.textArray(track.genres);
    }
    if (!this.copy!.write(out.take())) await once(this.copy!, 'drain');
  }

  async commit(
    source: string,
    now: Date,
    also?: (counts: MergeCounts) => SqlStatement,
  ): Promise<MergeCounts> {
    const client = this.client!;
    if (this.copyError) throw this.copyError;
    this.copy!.end(BinaryCopyRows.TRAILER);
    await this.copyDone;
    this.copy = undefined;
    const last = `${this.staged}_last`;
    const genres = `${this.staged}_genres`;
    const changed = `${this.staged}_changed`;
    const columns = TRACK_VALUE_COLUMNS.join(', ');
    try {
      await client.query('BEGIN');
      await client.query(
        `CREATE TEMP TABLE ${last} AS SELECT DISTINCT ON (id) ${columns} FROM ${this.staged} ORDER BY id, line DESC`,
      );
      await client.query(`ALTER TABLE ${last} ADD PRIMARY KEY (id)`);
      await client.query(
        `CREATE TEMP TABLE ${genres} AS SELECT DISTINCT id, unnest(genres) AS genre FROM ${this.staged}`,
      );
      await client.query(`ANALYZE ${last}; ANALYZE ${genres}`);
      await client.query(`CREATE TEMP TABLE ${changed} AS ${changedTracksSql(last, genres)}`);
      const tracks = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${last}`);
      const summary = await client.query<{ added: string; total: string }>(
        `SELECT COALESCE(SUM(added), 0) AS added, COUNT(*) AS total FROM ${changed}`,
      );
      const total = Number(summary.rows[0].total);
      const added = Number(summary.rows[0].added);
      const changedIds =
        total <= MAX_LISTED_CHANGES
          ? (await client.query<{ id: string }>(`SELECT id FROM ${changed}`)).rows.map((r) => r.id)
          : null;
      await client.query(mergeTracksSql(last, ['$1', '$2', '$3']), [source, now, now]);
      await client.query(mergeGenresSql(genres));
      if (total > 0) await client.query(BUMP_CATALOG_VERSION_SQL);
      const counts = mergeCounts(Number(tracks.rows[0].n), total, added, changedIds);
      if (also) {
        const statement = also(counts);
        await client.query(statement.sql, statement.params);
      }
      await client.query('COMMIT');
      return counts;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await this.abort();
    }
  }

  async abort(): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    this.runner = undefined;
    if (this.copy && !this.copyError) {
      // Ends the COPY with CopyFail, so the connection is usable (and reusable) afterwards. A COPY
      // that failed has ended already (and its connection may be gone: nothing to send it on).
      this.copy.destroy(new Error('catalog import aborted'));
      await this.copyDone?.catch(() => undefined);
    }
    this.copy = undefined;
    const tables = ['', '_last', '_genres', '_changed'].map((suffix) => this.staged + suffix);
    await this.client!.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`).catch(() => undefined);
    await runner.release();
  }
}
