/**
 * Fits the second stage: a logistic regression of "the candidate is in the query's playlist" on the
 * features of every pool track of every training query (pointwise; the pool is what the model will
 * rank in service), with one guard against what the evaluation's sample teaches wrongly.
 *
 * The sample is a union of playlists and most of its tracks are in one playlist only. So once a
 * query's own playlist is hidden, a track that is still in some imported playlist is, for that
 * reason alone, unlikely to be in the query's; a learner sees this and gives every signal that only
 * playlisted tracks have (PLAYLIST_DERIVED: genres, co-occurrence, co-membership) a negative
 * weight. In service, where a catalog's tracks come from imported playlists, that would say "a
 * track that fits the seeds' genres is a worse pick". So such a signal may only count for a track:
 * when one comes out negative, the most negative is dropped and the model refitted, until none is.
 */
import { FEATURE_COUNT, type FeatureName, FEATURES, PLAYLIST_DERIVED } from './ranking-features';
import { fitLogistic, stackRows } from './logistic';
import type { CandidatePool, LinearWeights } from './two-stage';

/** One training query: its pool and, per pool track, whether it is in the query's playlist. */
export interface TrainingQuery {
  pool: CandidatePool;
  labels: Uint8Array;
}

export interface RankerFit {
  weights: LinearWeights;
  /** Playlist-derived features the sign rule dropped, in the order it dropped them. */
  dropped: FeatureName[];
  rows: number;
  positives: number;
}

/** L2 penalty on the standardised weights; with ~10⁵ rows it only steadies collinear features. */
export const PENALTY = 1;

export function fitRanker(
  queries: readonly TrainingQuery[],
  features: readonly FeatureName[],
): RankerFit {
  const { rows, labels } = stackRows(
    queries.map((query) => ({ features: query.pool.features, labels: query.labels })),
    FEATURE_COUNT,
  );
  const total = labels.length;
  const positives = labels.reduce((sum, label) => sum + label, 0);
  const active = FEATURES.map((name) => features.includes(name));
  const dropped: FeatureName[] = [];
  for (;;) {
    const fit = fitLogistic(rows, labels, FEATURE_COUNT, PENALTY, active);
    let worst = -1;
    for (const { feature } of PLAYLIST_DERIVED) {
      const j = FEATURES.indexOf(feature);
      if (active[j] && fit.weights[j] < 0 && (worst < 0 || fit.weights[j] < fit.weights[worst]))
        worst = j;
    }
    if (worst < 0) {
      const weights: LinearWeights = {};
      FEATURES.forEach((name, j) => {
        if (fit.weights[j] !== 0) weights[name] = fit.weights[j];
      });
      return { weights, dropped, rows: total, positives };
    }
    active[worst] = false;
    dropped.push(FEATURES[worst]);
  }
}
