/**
 * npm run train:ranking:research — learns the second stage of the two-stage ranker on the tuning half of the
 * playlist-continuation protocol (protocol.ts) and writes trained-ranking-model.json beside this file.
 *
 * Training queries: every tuning playlist with TRAINING_DRAWS draws of 5 seed tracks (the first is the case
 * the evaluation would use), each on the catalog's signals with that playlist hidden too (its
 * genre labels and its membership gone: leave-one-playlist-out), the held-out half hidden always.
 * Each query's pool comes from the first stage (FIRST_STAGE); a pool track is a positive when it is
 * in the playlist. The held-out half is never read. Prints a 5-fold cross-validation on the tuning
 * half (folds by playlist) before fitting on all of it. Takes a few minutes on two shared cores.
 */
import { DEFAULT_WEIGHTS } from '../../../src/recommendations/recommendation-weights';
import { sharedDataPath } from '../../../test/helpers/shared-data';
import { formatInterval, meanInterval } from '../intervals';
import {
  evaluationCases,
  LIMIT,
  playlistIds,
  redrawn,
  SPLIT_SEED,
  TRAINING_DRAW_SEED,
  TRAINING_DRAWS,
} from '../protocol';
import { loadTidyTuesday } from '../tidytuesday';
import { CatalogSignals } from './catalog-signals';
import { fitRanker } from './fit-ranker';
import {
  FIRST_STAGE,
  MODEL_PATH,
  type RankingModel,
  sourcesFor,
  writeModel,
} from './ranking-model';
import { FEATURES, type FeatureName, INDICATORS, SIGNALS } from './ranking-features';
import { crossValidate, pooledCases } from './training';

const SAMPLE = 'spotify_songs_dev.csv';

/**
 * What the second stage learns from: every feature but the negative seeds' (the tuning half has no
 * skips) and the first stage's closeness (within its pool it only made the weights harder to read:
 * with it, closeness took a negative weight against style_fit's positive one, for the same
 * cross-validated hit rate).
 */
export const TRAINED_FEATURES: readonly FeatureName[] = FEATURES.filter(
  (name) =>
    name !== 'closeness' && !SIGNALS['negative seeds'].includes(name) && !INDICATORS.includes(name),
);

function main(): void {
  const started = Date.now();
  const sample = loadTidyTuesday(sharedDataPath(SAMPLE));
  const { tuning, heldOut } = evaluationCases(sample.playlists);
  const signals = new CatalogSignals(sample, playlistIds(heldOut));
  const closenessWeights = { ...DEFAULT_WEIGHTS.features };
  const queries = redrawn(tuning, TRAINING_DRAWS, TRAINING_DRAW_SEED);
  console.log(
    `${tuning.length} tuning playlists × ${TRAINING_DRAWS} seed draws = ${queries.length} training queries; pools…`,
  );
  const training = pooledCases(
    signals,
    queries,
    closenessWeights,
    true,
    sourcesFor(FIRST_STAGE, LIMIT),
  );
  const scored = training.filter((_, i) => i % TRAINING_DRAWS === 0);
  const cv = crossValidate(signals, training, scored, TRAINED_FEATURES);
  const cap2 = meanInterval(cv.cap2);
  const uncapped = meanInterval(cv.uncapped);
  console.log(
    `5-fold cross-validation on the tuning half: hit@20 ${formatInterval(cap2)} at max_per_artist 2, ${formatInterval(uncapped)} uncapped`,
  );
  const fit = fitRanker(training, TRAINED_FEATURES);
  const model: RankingModel = {
    provenance: {
      command: 'npm run train:ranking:research',
      date: new Date().toISOString().slice(0, 10),
      sample: SAMPLE,
      trainedOn: `the tuning half (split seed ${SPLIT_SEED}), ${TRAINING_DRAWS} seed draws per playlist (seed ${TRAINING_DRAW_SEED}), each with its own playlist hidden`,
      playlists: tuning.length,
      queries: queries.length,
      rows: fit.rows,
      positives: fit.positives,
    },
    closenessWeights,
    firstStage: [...FIRST_STAGE],
    weights: Object.fromEntries(
      Object.entries(fit.weights).map(([name, weight]) => [name, Number(weight.toPrecision(4))]),
    ),
    dropped: fit.dropped,
    crossValidation: { cap2: cap2.mean, uncapped: uncapped.mean },
  };
  writeModel(model);
  console.log(model.weights);
  if (fit.dropped.length > 0)
    console.log(`dropped (negative, playlist-derived): ${fit.dropped.join(', ')}`);
  console.log(`${MODEL_PATH} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

if (require.main === module) main();
