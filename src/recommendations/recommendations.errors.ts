import { AppError, ServiceUnavailableError } from '../common/errors';
import type { SeedInput } from './recommendation-request';

const SEED_PARAMETER = {
  track: 'seed_tracks',
  artist: 'seed_artists',
  genre: 'seed_genres',
} as const;

/** 404: none of the request's seeds is in the catalog. */
export class SeedNotFoundError extends AppError {
  constructor(seeds: SeedInput[]) {
    super(
      404,
      'SEED_NOT_FOUND',
      `No seed is in the catalog: ${seeds.map((seed) => `${seed.type} "${seed.id}"`).join(', ')}`,
      seeds.map((seed) => ({
        path: SEED_PARAMETER[seed.type],
        message: `"${seed.id}" is not in the catalog`,
      })),
    );
  }
}

/** 503: there is nothing to recommend from yet. */
export class CatalogEmptyError extends ServiceUnavailableError {
  constructor() {
    super(
      'The catalog has no tracks to recommend from. Import one (POST /api/v1/catalog/imports, or npm run catalog:import -- FILE), e.g. the TidyTuesday spotify_songs.csv.',
      'CATALOG_EMPTY',
    );
  }
}

/** 503: the catalog index is still being loaded after a start. */
export class CatalogLoadingError extends ServiceUnavailableError {
  constructor() {
    super(
      'The catalog is still being loaded into memory; retry in a few seconds.',
      'CATALOG_LOADING',
    );
  }
}
