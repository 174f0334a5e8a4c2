import { Injectable } from '@nestjs/common';
import type { Database, Statement } from 'better-sqlite3';
import type { Pool } from 'pg';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIO_FEATURES, type AudioFeature } from '../../common/tracks';
import type { CatalogFeatures, CatalogTrackRecord } from '../catalog-track';
import { BUMP_CATALOG_VERSION_SQL, TRACK_VALUE_COLUMNS } from './catalog-sql';

interface NamedCountRow {
  name: string;
  tracks: unknown;
}

type TrackRow = Record<(typeof TRACK_VALUE_COLUMNS)[number], unknown>;

export interface CatalogCounts {
  tracks: number;
  artists: number;
  genres: { name: string; tracks: number }[];
  sources: { name: string; tracks: number }[];
  /** Per feature, the number of tracks that have it. */
  featureCounts: Record<AudioFeature, number>;
}

/** Ids per `IN (…)` list: under SQLite's and PostgreSQL's bound-parameter limits. */
const IDS_PER_QUERY = 500;

/** Reads of the catalog tables, in SQL both databases answer alike. */
@Injectable()
export class CatalogStore {
  private readonly postgres: boolean;
  private readonly statements = new Map<string, Statement>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /**
   * Every catalog track, in id order, in batches: keyset pages of the tracks table and the genres of
   * the same id range, so each batch costs two indexed range queries and memory stays one batch.
   */
  async *streamAll(batchSize = 1000): AsyncIterable<CatalogTrackRecord[]> {
    let after = '';
    const sql =
      `SELECT ${TRACK_VALUE_COLUMNS.join(', ')} FROM catalog_tracks WHERE id > ${this.param(1)} ` +
      `ORDER BY id LIMIT ${Number(batchSize)}`;
    for (;;) {
      const rows = await this.selectRows(sql, [after]);
      if (rows.length === 0) return;
      const first = rows[0][ID] as string;
      const last = rows[rows.length - 1][ID] as string;
      const genres = await this.genresBetween(first, last);
      yield rows.map((row) => toRecord(row, genres.get(row[ID] as string) ?? []));
      if (rows.length < batchSize) return;
      after = last;
    }
  }

  /** True while the catalog holds no track (one indexed row read, whatever its size). */
  async isEmpty(): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM catalog_tracks LIMIT 1');
    return rows.length === 0;
  }

  /** The tracks of these ids that are in the catalog, with their genres, in id order. */
  async findByIds(ids: readonly string[]): Promise<CatalogTrackRecord[]> {
    const wanted = [...new Set(ids)].sort();
    const records: CatalogTrackRecord[] = [];
    for (let start = 0; start < wanted.length; start += IDS_PER_QUERY) {
      const chunk = wanted.slice(start, start + IDS_PER_QUERY);
      const placeholders = chunk.map((_, i) => this.param(i + 1)).join(', ');
      const rows = await this.selectRows(
        `SELECT ${TRACK_VALUE_COLUMNS.join(', ')} FROM catalog_tracks WHERE id IN (${placeholders}) ORDER BY id`,
        chunk,
      );
      if (rows.length === 0) continue;
      const genres = await this.genresBetween(
        rows[0][ID] as string,
        rows[rows.length - 1][ID] as string,
      );
      for (const row of rows) records.push(toRecord(row, genres.get(row[ID] as string) ?? []));
    }
    return records;
  }

  async findById(id: string): Promise<CatalogTrackRecord | null> {
    const rows: TrackRow[] = await this.dataSource.query(
      `SELECT ${TRACK_VALUE_COLUMNS.join(', ')} FROM catalog_tracks WHERE id = ${this.param(1)}`,
      [id],
    );
    if (rows.length === 0) return null;
    const genres = await this.genresBetween(id, id);
    const row = TRACK_VALUE_COLUMNS.map((column) => rows[0][column]);
    return toRecord(row, genres.get(id) ?? []);
  }

  /** Deletes a track and its genres; false when there was none. */
  async delete(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM catalog_track_genres WHERE track_id = ${this.param(1)}`, [
        id,
      ]);
      const result = await manager
        .createQueryBuilder()
        .delete()
        .from('catalog_tracks')
        .where('id = :id', { id })
        .execute();
      const deleted = (result.affected ?? 0) > 0;
      if (deleted) await manager.query(BUMP_CATALOG_VERSION_SQL);
      return deleted;
    });
  }

  /** The catalog's version: raised by every committed change of its tracks. */
  async version(): Promise<number> {
    const rows = await this.select<{ version: unknown }>(
      'SELECT version FROM catalog_version WHERE id = 1',
      [],
    );
    return Number(rows[0]?.version ?? 0);
  }

  /** The catalog's counts: one scan of the tracks table plus indexed group-bys. */
  async counts(): Promise<CatalogCounts> {
    const coverage = AUDIO_FEATURES.map((feature) => `COUNT(${feature}) AS ${feature}`).join(', ');
    const query = <T>(sql: string): Promise<T[]> => this.dataSource.query(sql);
    const [[totals], genres, sources, [artists]] = await Promise.all([
      query<Record<string, unknown>>(`SELECT COUNT(*) AS tracks, ${coverage} FROM catalog_tracks`),
      query<NamedCountRow>(
        'SELECT genre AS name, COUNT(*) AS tracks FROM catalog_track_genres GROUP BY genre ' +
          'ORDER BY COUNT(*) DESC, genre',
      ),
      query<NamedCountRow>(
        'SELECT source AS name, COUNT(*) AS tracks FROM catalog_tracks GROUP BY source ' +
          'ORDER BY COUNT(*) DESC, source',
      ),
      query<{ n: unknown }>(this.distinctArtistsSql()),
    ]);
    const numbers = (rows: NamedCountRow[]) =>
      rows.map((row) => ({ name: row.name, tracks: Number(row.tracks) }));
    return {
      tracks: Number(totals.tracks),
      artists: Number(artists.n),
      genres: numbers(genres),
      sources: numbers(sources),
      featureCounts: Object.fromEntries(
        AUDIO_FEATURES.map((feature) => [feature, Number(totals[feature])]),
      ) as Record<AudioFeature, number>,
    };
  }

  /** An artist is its Spotify id where known, else its name (case-insensitive). */
  private distinctArtistsSql(): string {
    return this.postgres
      ? `SELECT COUNT(DISTINCT COALESCE(a->>'id', 'name:' || lower(a->>'name'))) AS n ` +
          `FROM catalog_tracks t, json_array_elements(t.artists::json) a`
      : `SELECT COUNT(DISTINCT COALESCE(json_extract(a.value, '$.id'), 'name:' || ` +
          `lower(json_extract(a.value, '$.name')))) AS n FROM catalog_tracks t, json_each(t.artists) a`;
  }

  private async genresBetween(first: string, last: string): Promise<Map<string, string[]>> {
    const rows = await this.select<{ track_id: string; genre: string }>(
      `SELECT track_id, genre FROM catalog_track_genres WHERE track_id >= ${this.param(1)} ` +
        `AND track_id <= ${this.param(2)} ORDER BY track_id, genre`,
      [first, last],
    );
    const genres = new Map<string, string[]>();
    for (const row of rows) {
      const list = genres.get(row.track_id);
      if (list) list.push(row.genre);
      else genres.set(row.track_id, [row.genre]);
    }
    return genres;
  }

  /**
   * A read on SQLite goes to better-sqlite3 directly, as a cached prepared statement: TypeORM's
   * query wrapper costs more than the read itself when the whole catalog is streamed at start-up.
   */
  private select<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.postgres) return this.dataSource.query(sql, params);
    return Promise.resolve(this.prepared(sql).all(...params) as T[]);
  }

  /** Rows as arrays in the order of their columns: far fewer objects for the collector. */
  private async selectRows(sql: string, params: unknown[]): Promise<unknown[][]> {
    if (!this.postgres)
      return this.prepared(sql)
        .raw(true)
        .all(...params) as unknown[][];
    // The pool of TypeORM's PostgreSQL driver, asked for arrays (TypeORM's query() cannot).
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    const result = await pool.query<unknown[]>({ text: sql, values: params, rowMode: 'array' });
    return result.rows;
  }

  private prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      const db = (this.dataSource.driver as unknown as { databaseConnection: Database })
        .databaseConnection;
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private param(index: number): string {
    return this.postgres ? `$${index}` : '?';
  }
}

/** Where each column sits in a row read as an array (TRACK_VALUE_COLUMNS order). */
const AT = Object.fromEntries(TRACK_VALUE_COLUMNS.map((column, i) => [column, i])) as Record<
  (typeof TRACK_VALUE_COLUMNS)[number],
  number
>;
const ID = AT.id;
const FEATURE_AT = AUDIO_FEATURES.map((feature) => AT[feature]);

function toRecord(row: unknown[], genres: string[]): CatalogTrackRecord {
  const features = {} as CatalogFeatures;
  for (let i = 0; i < AUDIO_FEATURES.length; i += 1) {
    features[AUDIO_FEATURES[i]] = row[FEATURE_AT[i]] as number | null;
  }
  const explicit = row[AT.explicit];
  return {
    id: row[ID] as string,
    name: row[AT.name] as string | null,
    artists: JSON.parse(row[AT.artists] as string) as CatalogTrackRecord['artists'],
    album: {
      id: row[AT.album_id] as string | null,
      name: row[AT.album_name] as string | null,
      release_date: row[AT.release_date] as string | null,
      year: row[AT.year] as number | null,
    },
    popularity: row[AT.popularity] as number | null,
    // SQLite gives booleans back as 0/1.
    explicit: explicit === null ? null : Boolean(explicit),
    genres,
    features,
  };
}
