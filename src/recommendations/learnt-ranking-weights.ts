import type { LearntRanking } from './learnt-ranking';

/**
 * The service's second stage (learnt-ranking.ts says what each feature is), written by
 * `npm run train:ranking` (bench/recommendations/ranking/train-service-ranking.ts) on 2026-12-06:
 * a logistic regression of "the pool track is in the seeds' playlist" over 59600 pool
 * tracks (4977 in it) of 596 queries, the 149 playlists of the tuning half of
 * the TidyTuesday sample × 4 draws of 5 seed tracks, each query on a catalog without its own
 * playlist and without the held-out half.
 * artist_genres: came out negative, so left out (0; see the trainer).
 * 5-fold cross-validation on the tuning half (folds by playlist): hit@20 17.0 % at
 * max_per_artist 2, 27.4 % uncapped.
 * To learn them again (another sample, other features): edit the features, run the command, and
 * check `npm run eval:recommendations`.
 */
export const LEARNT_RANKING: Readonly<LearntRanking> = {
  weights: {
    style_fit: 0.1826,
    same_artist: 0.7603,
    artist_seeds: 4.296,
    artist_closeness: 1.737,
    artist_popularity_gap: 3.222,
    same_album: 1.299,
    year_closeness: 1.081,
    year_typical: 0.4957,
    popularity_gap: 4.41,
    popularity: -1.365,
    same_name: -1.781,
    artist_genres: 0,
  },
  poolFactor: 5,
  // The first stage draws the pool with a genre bonus of 1 (not 4): see POOL_WEIGHTS in the trainer.
  poolWeights: { genre: 1 },
  diversity: 0,
};
