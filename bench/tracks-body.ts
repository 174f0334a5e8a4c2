/**
 * The shared tracks pipe (TracksBodyPipe: shape normalisation and validation of every track) on a
 * 10-track and a 10,000-track body: what predict_mood, /metrics and /similarity pay before their own
 * work. Rows are the real sample's tracks (../shared/data/playlist_example_json.json), repeated, each
 * with an id and a play time, as clients send them. A benchmark, not a test: it never fails on a number.
 *
 *   npm run bench:tracks-body [-- --runs 200]
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { AUDIO_FEATURES, TracksBodyPipe } from '../src/common/tracks';
import { readSharedJson } from '../test/helpers/shared-data';

const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 200;

const sample = new TracksBodyPipe().transform(readSharedJson('playlist_example_json.json')).tracks;
const body = (count: number) =>
  Array.from({ length: count }, (_, i) => {
    const track = sample[i % sample.length];
    const features = Object.fromEntries(AUDIO_FEATURES.map((f) => [f, track[f]]));
    return { id: track.id, played_at: track.playedAt?.toISOString(), ...features };
  });

function p50(work: () => void, runs: number): number {
  for (let i = 0; i < Math.max(3, runs / 10); i++) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

console.log(
  `TracksBodyPipe, p50 of ${RUNS} runs (10,000 tracks: a tenth as many), node ${process.version}`,
);
// Every feature required (the default), and none (predict_mood and /similarity).
const pipes = {
  'all 13 features required': new TracksBodyPipe({ maxTracks: 20_000 }),
  'no feature required': new TracksBodyPipe({ maxTracks: 20_000, requiredFeatures: [] }),
};
for (const [name, pipe] of Object.entries(pipes)) {
  for (const count of [10, 10_000]) {
    const tracks = body(count);
    const runs = count > 1000 ? Math.max(5, RUNS / 10) : RUNS;
    const ms = p50(() => pipe.transform(tracks), runs);
    console.log(
      `  ${name}, ${String(count).padStart(6)} tracks: ${ms.toFixed(3)} ms (${((ms * 1000) / count).toFixed(2)} µs a track)`,
    );
  }
}
