/**
 * In-process benchmark of POST /api/v1/similarity's work for a 10,000-track playlist and 5 queries
 * (aim: ≤ 20 ms p50). No HTTP: it times the service call itself, and separately the body parsing
 * and validation every call that takes tracks shares.
 *
 *   npm run bench:similarity [-- --tracks 10000 --runs 40]
 *
 * Playlists (seeded, so every run measures the same data):
 *   resampled  rows of ../shared/data/playlist_example_json.json with small noise on the continuous
 *              features: a big playlist of songs that resemble each other, as real ones do;
 *   marginals  each feature drawn on its own from the sample's values: no correlations, spread out;
 *   uniform    every feature uniform over where real tracks lie: the k-d tree's worst case.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../src/common/numeric';
import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  type AudioFeature,
  parseTracksBody,
  type Track,
} from '../src/common/tracks';
import { readSharedJson } from '../test/helpers/shared-data';
import { randomFeatures } from '../test/helpers/tracks';
import { KnnEngine } from '../src/similarity/knn-engine';
import { SimilarityService } from '../src/similarity/similarity.service';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const TRACKS = option('tracks', 10_000);
const RUNS = option('runs', 40);
const WARMUP = 5;
const QUERY = { recent: 5, k: 1 };

const random = seededRandom(20240601);

const sample = parseTracksBody(readSharedJson('playlist_example_json.json')).tracks;
const spread = Object.fromEntries(
  AUDIO_FEATURES.map((f) => {
    const values = sample.map((t) => t[f]);
    return [f, Math.max(...values) - Math.min(...values)];
  }),
);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];

/** A feature of `base` moved by up to ±2.5 % of the sample's spread (whole-number features kept). */
function nudged(base: Track, feature: AudioFeature): number {
  const { min, max, integer } = AUDIO_FEATURE_RULES[feature];
  if (integer) return base[feature];
  const noisy = base[feature] + (random() - 0.5) * 0.05 * spread[feature];
  return feature === 'duration_ms'
    ? Math.max(1, Math.round(noisy))
    : Math.min(max, Math.max(min, noisy));
}

const generators: Record<string, () => Record<string, number>> = {
  resampled: () => {
    const base = pick(sample);
    return Object.fromEntries(AUDIO_FEATURES.map((f) => [f, nudged(base, f)]));
  },
  marginals: () => Object.fromEntries(AUDIO_FEATURES.map((f) => [f, pick(sample)[f]])),
  uniform: () => randomFeatures(random),
};

function playlistBody(generate: () => Record<string, number>) {
  const start = Date.UTC(2024, 0, 1);
  return Array.from({ length: TRACKS }, (_, i) => ({
    id: `track-${i}`,
    ...generate(),
    played_at: new Date(start + i * 60_000).toISOString(),
  }));
}

function time(run: () => unknown): { p50: number; p90: number } {
  for (let i = 0; i < WARMUP; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5), p90: at(0.9) };
}

const ms = ({ p50, p90 }: { p50: number; p90: number }) =>
  `${p50.toFixed(1).padStart(7)} ms p50 ${p90.toFixed(1).padStart(7)} ms p90`;

console.log(
  `similarity: ${TRACKS} tracks, recent=${QUERY.recent}, k=${QUERY.k}, ${RUNS} runs after ${WARMUP} warm-up, node ${process.version}`,
);
for (const [name, generate] of Object.entries(generators)) {
  const body = playlistBody(generate);
  const playlist = parseTracksBody(body);
  const cold = new SimilarityService(new KnnEngine({ indexCacheSize: 0 }));
  const cached = new SimilarityService(new KnnEngine({ indexCacheSize: 8 }));
  console.log(`\n${name}`);
  console.log(
    `  service, tree built every call (cache off)   ${ms(time(() => cold.nearestToRecent(playlist, QUERY)))}`,
  );
  console.log(
    `  service, same pool again (fitted tree cached) ${ms(time(() => cached.nearestToRecent(playlist, QUERY)))}`,
  );
  console.log(
    `  body parsing + validation (shared pipe)       ${ms(time(() => parseTracksBody(body)))}`,
  );
}
