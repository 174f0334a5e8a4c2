import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUDIO_FEATURES, type AudioFeature } from '../../common/tracks';
import type { CatalogFeatures, CatalogTrackRecord } from '../catalog-track';
import { TRACK_VALUE_COLUMNS } from './catalog-sql';

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

/** Reads of the catalog tables, in SQL both databases answer alike. */
@Injectable()
export class CatalogStore {
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /**
   * Every catalog track, in id order, in batches: keyset pages of the tracks table and the genres of
   * the same id range, so each batch costs two indexed range queries and memory stays one batch.
   */
  async *streamAll(batchSize = 10_000): AsyncIterable<CatalogTrackRecord[]> {
    let after = '';
    for (;;) {
      const rows: TrackRow[] = await this.dataSource.query(
        `SELECT ${TRACK_VALUE_COLUMNS.join(', ')} FROM catalog_tracks WHERE id > ${this.param(1)} ` +
          `ORDER BY id LIMIT ${Number(batchSize)}`,
        [after],
      );
      if (rows.length === 0) return;
      const first = rows[0].id as string;
      const last = rows[rows.length - 1].id as string;
      const genres = await this.genresBetween(first, last);
      yield rows.map((row) => toRecord(row, genres.get(row.id as string) ?? []));
      if (rows.length < batchSize) return;
      after = last;
    }
  }

  async findById(id: string): Promise<CatalogTrackRecord | null> {
    const rows: TrackRow[] = await this.dataSource.query(
      `SELECT ${TRACK_VALUE_COLUMNS.join(', ')} FROM catalog_tracks WHERE id = ${this.param(1)}`,
      [id],
    );
    if (rows.length === 0) return null;
    const genres = await this.genresBetween(id, id);
    return toRecord(rows[0], genres.get(id) ?? []);
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
      return (result.affected ?? 0) > 0;
    });
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
    const rows: { track_id: string; genre: string }[] = await this.dataSource.query(
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

  private param(index: number): string {
    return this.postgres ? `$${index}` : '?';
  }
}

function toRecord(row: TrackRow, genres: string[]): CatalogTrackRecord {
  const features = {} as CatalogFeatures;
  for (const feature of AUDIO_FEATURES) features[feature] = row[feature] as number | null;
  return {
    id: row.id as string,
    name: row.name as string | null,
    artists: JSON.parse(row.artists as string) as CatalogTrackRecord['artists'],
    album: {
      id: row.album_id as string | null,
      name: row.album_name as string | null,
      release_date: row.release_date as string | null,
      year: row.year as number | null,
    },
    popularity: row.popularity as number | null,
    // SQLite gives booleans back as 0/1.
    explicit: row.explicit === null ? null : Boolean(row.explicit),
    genres,
    features,
  };
}
