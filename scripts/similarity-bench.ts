/**
 * In-process benchmark of POST /api/v1/similarity's work for a 10,000-track playlist and 5 queries
 * (the target: ≤ 20 ms p50). No HTTP: it times the service call itself, and separately the
 * body parsing and validation every call that takes tracks shares.
 *
 *   npx ts-node --transpile-only scripts/similarity-bench.ts [--tracks 10000] [--runs 40]
 *
 * Playlists (seeded, so every run measures the same data):
 *   resampled  rows of ../shared/data/playlist_example_json.json with small noise on the continuous
 *              features: a big playlist of songs that resemble each other, as real ones do;
 *   marginals  each feature drawn on its own from the sample's values: no correlations, spread out;
 *   uniform    every feature uniform over its valid range: the k-d tree's worst case.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AUDIO_FEATURES, parseTracksBody } from '../src/common/tracks';
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

let seed = 20240601;
const random = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const samplePath = resolve(__dirname, '..', '..', 'shared', 'data', 'playlist_example_json.json');
const sample = parseTracksBody(JSON.parse(readFileSync(samplePath, 'utf8'))).tracks;
const CONTINUOUS = new Set([
  'danceability',
  'energy',
  'loudness',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
  'duration_ms',
]);
const spread = Object.fromEntries(
  AUDIO_FEATURES.map((f) => {
    const values = sample.map((t) => t[f]);
    return [f, Math.max(...values) - Math.min(...values)];
  }),
);
const clampUnit = (f: string, v: number) =>
  ['loudness', 'tempo', 'duration_ms'].includes(f) ? v : Math.min(1, Math.max(0, v));
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];

const generators: Record<string, () => Record<string, number>> = {
  resampled: () => {
    const base = pick(sample);
    return Object.fromEntries(
      AUDIO_FEATURES.map((f) => {
        if (!CONTINUOUS.has(f)) return [f, base[f]];
        const noisy = base[f] + (random() - 0.5) * 0.05 * spread[f];
        return [f, f === 'duration_ms' ? Math.max(1, Math.round(noisy)) : clampUnit(f, noisy)];
      }),
    );
  },
  marginals: () => Object.fromEntries(AUDIO_FEATURES.map((f) => [f, pick(sample)[f]])),
  uniform: () => ({
    danceability: random(),
    energy: random(),
    key: Math.floor(random() * 12),
    loudness: -60 * random(),
    mode: random() < 0.5 ? 0 : 1,
    speechiness: random(),
    acousticness: random(),
    instrumentalness: random(),
    liveness: random(),
    valence: random(),
    tempo: 40 + 180 * random(),
    duration_ms: 30_000 + Math.floor(570_000 * random()),
    time_signature: pick([3, 4, 4, 4, 5]),
  }),
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
