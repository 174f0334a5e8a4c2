import { CatalogImportResponseDto } from './catalog-import-response.dto';

export class NamedCountDto {
  /** @example "pop" */
  name!: string;
  /** @example 5132 */
  tracks!: number;
}

export class CatalogMoodsDto {
  /**
   * `scoring` while a pass runs, `done` when every track has the active model's mood, `no_model`
   * while no mood model is active, `waiting` until the index has loaded.
   * @example "done"
   */
  status!: 'no_model' | 'waiting' | 'scoring' | 'done';
  /** The model whose moods the tracks carry (or are being given). @example "0b6f0c8e-3f0a-4c57-9d0b-5d1f0f3f2a11" */
  model_id!: string | null;
  /** Tracks of the current pass done so far. @example 20579 */
  scored!: number;
  /** Tracks the current pass scores: every track after a model change, new ones otherwise. @example 20579 */
  to_score!: number;
  /** Milliseconds the last finished pass took. @example 412 */
  last_pass_ms!: number | null;
  /** @example "2026-11-30T23:05:00.000Z" */
  updated_at!: string;
}

export class StarterCatalogDto {
  /**
   * `downloading` the file, `importing` it, `succeeded`, `failed` (offline, a checksum mismatch,
   * a failed import), or `skipped` (another process imported meanwhile).
   * @example "importing"
   */
  status!: 'downloading' | 'importing' | 'succeeded' | 'failed' | 'skipped';
  /** CATALOG_STARTER_URL. @example "https://raw.githubusercontent.com/rfordatascience/tidytuesday/master/data/2020/2020-01-21/spotify_songs.csv" */
  url!: string;
  /** The import (GET /catalog/imports/{id}), once started. @example "0b7c1c7e-4f4c-4d4b-9f77-3f3c2b1a0d9e" */
  import_id!: string | null;
  /** Why it failed or was skipped. @example null */
  error!: string | null;
  /** STARTER_UNAVAILABLE, STARTER_CHECKSUM_MISMATCH, an import's error code… @example null */
  error_code!: string | null;
  /** @example "2026-12-06T08:00:00.000Z" */
  updated_at!: string;
}

export class CatalogSummaryResponseDto {
  /** @example 20579 */
  tracks!: number;
  /** Distinct artists (by Spotify id where known, else by name). @example 10692 */
  artists!: number;
  /** Every genre with its number of tracks, most tracks first. */
  genres!: NamedCountDto[];
  /**
   * Per audio feature, the share of tracks that have it (0–1).
   * @example {"danceability": 1, "energy": 1, "key": 1, "time_signature": 0}
   */
  feature_coverage!: Record<string, number>;
  /** Source labels (of the import that first added a track, or `harvest`) with their tracks. */
  sources!: NamedCountDto[];
  /** The newest import that succeeded. */
  last_import!: CatalogImportResponseDto | null;
  /**
   * Every track's predicted mood from the active model (what `mood=` in recommendations prefers),
   * computed in the background by this instance after an import and after a model change.
   */
  moods!: CatalogMoodsDto;
  /**
   * The starter catalog this instance imports on a first start (CATALOG_STARTER_URL), while it runs
   * and after; null where none was needed (the catalog held tracks at start-up, or the URL is empty).
   */
  starter!: StarterCatalogDto | null;
}
