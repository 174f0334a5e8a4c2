import { registerAs } from '@nestjs/config';

/** k-NN settings. Values arrive already validated by validateEnvironment(). */
export const similarityConfig = registerAs('similarity', () => ({
  /** Fitted k-d trees kept for identical candidate pools (0 turns the cache off). */
  indexCacheSize: Number(process.env.SIMILARITY_INDEX_CACHE_SIZE ?? 8),
}));

export type SimilarityConfig = ReturnType<typeof similarityConfig>;
