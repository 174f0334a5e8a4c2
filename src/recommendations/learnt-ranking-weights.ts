import type { LearntRanking } from './learnt-ranking';

/**
 * The service's second stage (learnt-ranking.ts says what each feature is): written by
 * `npm run train:ranking` (bench/recommendations/ranking/train-service-ranking.ts) on 2026-12-06, a
 * logistic regression of "the pool track is in the seeds' playlist" over 178800 pool tracks
 * (6292 in it) of 596 queries: the 149 playlists of the tuning half of the
 * TidyTuesday sample, 4 draws of 5 seed tracks each, every query on a catalog without its own
 * playlist and without the held-out half. artist_genres came out negative and was left out (0). 5-fold cross-validation on the tuning half
 * (folds by playlist): hit@20 15.1 % at max_per_artist 2, 24.4 % uncapped.
 * To learn them again (another sample, other features): edit the features, run the command, and
 * check `npm run eval:recommendations`.
 */
export const LEARNT_RANKING: Readonly<LearntRanking> = {
  weights: {
    style_fit: 0.2835,
    same_artist: 0.9984,
    artist_seeds: 4.148,
    artist_closeness: 2.492,
    artist_popularity_gap: 2.589,
    same_album: 1.284,
    year_closeness: 1.03,
    year_typical: 0.5249,
    popularity_gap: 4.924,
    popularity: -1.204,
    same_name: -1.789,
    artist_genres: 0,
  },
  poolFactor: 15,
  diversity: 0,
};
