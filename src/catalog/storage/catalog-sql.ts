// The module itself: the common/tracks index re-exports through getters, and this runs per row.
import { AUDIO_FEATURES } from '../../common/tracks/audio-features';
import type { CatalogTrackRecord } from '../catalog-track';

/**
 * The SQL both bulk writers share (SQLite ≥ 3.39 and PostgreSQL read it alike). A staged row holds
 * one file row's values; merging a staged track into the catalog keeps every stored value the new
 * row lacks (sources lack different fields), replaces the rest, and adds its genres to the set.
 */
export const TRACK_VALUE_COLUMNS = [
  'id',
  'name',
  'artists',
  'album_id',
  'album_name',
  'release_date',
  'year',
  'popularity',
  'explicit',
  ...AUDIO_FEATURES,
] as const;

/** Columns whose new value replaces the stored one only where the new one is not null. */
const MERGED_COLUMNS = TRACK_VALUE_COLUMNS.filter(
  (column) => column !== 'id' && column !== 'artists',
);

const FIRST_FEATURE_COLUMN = TRACK_VALUE_COLUMNS.indexOf(AUDIO_FEATURES[0]);

/**
 * Writes a row's values in TRACK_VALUE_COLUMNS order into `into` from `at` (the writers fill one
 * array for many rows, so a row costs no array of its own); `explicit` as the driver binds booleans.
 */
export function putTrackValues(
  track: CatalogTrackRecord,
  bool: (value: boolean) => unknown,
  into: unknown[],
  at: number,
): void {
  const { album, features } = track;
  into[at] = track.id;
  into[at + 1] = track.name;
  into[at + 2] = JSON.stringify(track.artists);
  into[at + 3] = album.id;
  into[at + 4] = album.name;
  into[at + 5] = album.release_date;
  into[at + 6] = album.year;
  into[at + 7] = track.popularity;
  into[at + 8] = track.explicit === null ? null : bool(track.explicit);
  for (let i = 0; i < AUDIO_FEATURES.length; i += 1) {
    into[at + FIRST_FEATURE_COLUMN + i] = features[AUDIO_FEATURES[i]];
  }
}

/**
 * The staged tracks (`staged`, one row per id) that are new to the catalog or would change it:
 * `id`, and `added` (1 for new). A track changes when a value it brings differs from the stored one,
 * or it brings a genre the catalog does not have for it.
 */
export function changedTracksSql(staged: string, stagedGenres: string): string {
  const differs = MERGED_COLUMNS.map(
    (column) => `(s.${column} IS NOT NULL AND s.${column} IS DISTINCT FROM t.${column})`,
  );
  differs.push(`(s.artists <> '[]' AND s.artists IS DISTINCT FROM t.artists)`);
  differs.push(
    `EXISTS (SELECT 1 FROM ${stagedGenres} sg WHERE sg.id = s.id AND NOT EXISTS ` +
      `(SELECT 1 FROM catalog_track_genres g WHERE g.track_id = sg.id AND g.genre = sg.genre))`,
  );
  return (
    `SELECT s.id AS id, CASE WHEN t.id IS NULL THEN 1 ELSE 0 END AS added ` +
    `FROM ${staged} s LEFT JOIN catalog_tracks t ON t.id = s.id ` +
    `WHERE t.id IS NULL OR ${differs.join(' OR ')}`
  );
}

/**
 * Upserts every staged track (parameters: source, first_seen, last_seen). `source` and `first_seen`
 * stay those of the track's first arrival.
 */
export function mergeTracksSql(staged: string, placeholders: [string, string, string]): string {
  const columns = TRACK_VALUE_COLUMNS.join(', ');
  const sets = MERGED_COLUMNS.map(
    (column) => `${column} = COALESCE(excluded.${column}, catalog_tracks.${column})`,
  );
  sets.push(
    `artists = CASE WHEN excluded.artists = '[]' THEN catalog_tracks.artists ELSE excluded.artists END`,
  );
  sets.push('last_seen = excluded.last_seen');
  return (
    `INSERT INTO catalog_tracks (${columns}, source, first_seen, last_seen) ` +
    `SELECT ${columns}, ${placeholders.join(', ')} FROM ${staged} WHERE true ` +
    `ON CONFLICT (id) DO UPDATE SET ${sets.join(', ')}`
  );
}

export function mergeGenresSql(stagedGenres: string): string {
  return (
    `INSERT INTO catalog_track_genres (track_id, genre) ` +
    `SELECT DISTINCT id, genre FROM ${stagedGenres} WHERE true ON CONFLICT DO NOTHING`
  );
}

/** What a merge did, and which tracks it changed (null when too many to list: reload instead). */
export interface MergeCounts {
  tracks: number;
  added: number;
  updated: number;
  unchanged: number;
  changedIds: string[] | null;
}

/** `tracks` staged, of which `changed` new or changed, of which `added` new. */
export function mergeCounts(
  tracks: number,
  changed: number,
  added: number,
  changedIds: string[] | null,
): MergeCounts {
  return { tracks, added, updated: changed - added, unchanged: tracks - changed, changedIds };
}

/**
 * Raises the catalog's version (migration AddCatalogVersion): run in the transaction of every
 * committed change of the catalog's tracks, so a saved index knows whether it is still current.
 */
export const BUMP_CATALOG_VERSION_SQL =
  'UPDATE catalog_version SET version = version + 1 WHERE id = 1';

/** Above this many changed tracks a merge announces a reset rather than listing the ids. */
export const MAX_LISTED_CHANGES = 50_000;

export interface StagedRow {
  line: number;
  track: CatalogTrackRecord;
}

/**
 * Stages the tracks of one import (or one harvest batch) out of the catalog's sight, then merges
 * them in one transaction: a failure or an abort before commit() leaves the catalog as it was.
 */
export interface CatalogBulkWriter {
  begin(): Promise<void>;
  /** Later rows of the same track id replace earlier ones; genres accumulate. */
  stage(rows: readonly StagedRow[]): Promise<void>;
  /**
   * Merges the staged tracks into the catalog in one transaction. `also` adds one statement to
   * that transaction, built from the counts (an import marks itself succeeded in it, so a crash can
   * never leave changed tracks under a failed import).
   */
  commit(
    source: string,
    now: Date,
    also?: (counts: MergeCounts) => SqlStatement,
  ): Promise<MergeCounts>;
  /** Drops what was staged and releases the connection; safe to call at any point, twice. */
  abort(): Promise<void>;
}

/**
 * A statement in the database's own SQL, its parameters as its driver binds them: what TypeORM's
 * query builder makes (getQueryAndParameters) on the app's DataSource.
 */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}
