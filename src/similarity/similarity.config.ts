import type { ConfigType } from '@nestjs/config';
import { configNamespace } from '../config/config-namespace';

/** k-NN settings. */
export const similarityConfig = configNamespace('similarity', (environment) => ({
  /** Fitted k-d trees kept for identical candidate pools (0 turns the cache off). */
  indexCacheSize: environment.SIMILARITY_INDEX_CACHE_SIZE,
}));

export type SimilarityConfig = ConfigType<typeof similarityConfig>;
