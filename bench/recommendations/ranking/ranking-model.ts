/**
 * The two-stage ranker as data: where its candidates come from (first stage), the learnt weights of
 * its second stage, and where those weights came from. `npm run train:ranking:research` writes it to
 * trained-ranking-model.json (committed); the evaluation reads it back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClosenessColumn } from './catalog-signals';
import type { FeatureName } from './ranking-features';
import type { CandidateSource, LinearWeights } from './two-stage';

export const MODEL_PATH = join(__dirname, 'trained-ranking-model.json');

/** A first-stage source, its pool size as a multiple of the request's limit. */
export interface SourceSpec {
  name: string;
  weights: LinearWeights;
  perLimit: number;
}

/**
 * The first stage: two exact top-k searches, both cheap in service.
 *   - nearest: the engine's closeness, plus a same-artist bonus and release-year closeness, the
 *     terms its tree search can bound (year as one more column); 15 × limit tracks.
 *   - co-occurring artists: tracks of the artists that share imported playlists with the seeds'
 *     artists, from playlist postings; 5 × limit more (closeness breaks ties among an artist's
 *     tracks).
 * Chosen on the tuning half by the share of playlist tracks the pool holds (see docs): 20 × limit
 * holds about three quarters of what a perfect reranker could pick, 5 × limit under half.
 */
export const FIRST_STAGE: readonly SourceSpec[] = [
  {
    name: 'nearest seeds (closeness + same artist + release year)',
    weights: { closeness: 1, same_artist: 1, year_closeness: 0.5 },
    perLimit: 15,
  },
  {
    name: 'co-occurring artists',
    weights: { artist_cooccurrence: 1, closeness: 0.01 },
    perLimit: 5,
  },
];

export function sourcesFor(stages: readonly SourceSpec[], limit: number): CandidateSource[] {
  return stages.map((stage) => ({ weights: stage.weights, size: stage.perLimit * limit }));
}

export interface RankingModel {
  provenance: {
    command: string;
    date: string;
    sample: string;
    trainedOn: string;
    playlists: number;
    queries: number;
    rows: number;
    positives: number;
  };
  /** The engine's closeness weights the features were computed with. */
  closenessWeights: Partial<Record<ClosenessColumn, number>>;
  firstStage: SourceSpec[];
  /** Second-stage weights on the raw features (FEATURES): score = Σ weight × feature. */
  weights: LinearWeights;
  /** Playlist-derived features dropped because they came out negative (see fit-ranker.ts). */
  dropped: FeatureName[];
  /** 5-fold cross-validation on the tuning half (folds by playlist), first seed draws. */
  crossValidation: { cap2: number; uncapped: number };
}

export function readModel(path = MODEL_PATH): RankingModel {
  return JSON.parse(readFileSync(path, 'utf8')) as RankingModel;
}

export function writeModel(model: RankingModel, path = MODEL_PATH): void {
  writeFileSync(path, JSON.stringify(model, null, 2) + '\n');
}
