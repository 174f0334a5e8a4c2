import type { IndexColumn } from '../catalog-index/catalog-index';

export type SeedType = 'track' | 'artist' | 'genre';

export interface SeedInput {
  type: SeedType;
  /** Track id; artist id or name; genre name. */
  id: string;
  /** A track seed's own values (raw, by INDEX_COLUMNS; NaN unknown), used where the catalog lacks it. */
  values?: ArrayLike<number>;
}

export type ColumnValues = Partial<Record<IndexColumn, number>>;

/** What the engine is asked: the query of GET or POST /recommendations, seeds resolved to inputs. */
export interface RecommendationRequest {
  seeds: SeedInput[];
  targets: ColumnValues;
  min: ColumnValues;
  max: ColumnValues;
  limit: number;
  maxPerArtist: number;
  excludeTracks: string[];
  /**
   * Negative seeds, by track id: tracks the listener turned away from (GET's negative_seed_tracks).
   * Each is never recommended, and tracks near its features score lower (the negative-seed
   * penalty, recommendation-weights.ts). Ids the catalog lacks are ignored.
   */
  negativeTracks: string[];
  /** Artist ids or names. */
  excludeArtists: string[];
  /** A mood label of the catalog's mood predictions to prefer. */
  mood?: string;
  explain: boolean;
}
