/**
 * Spotify's lookups answered from the in-memory catalog index, in process: related artists (the
 * artists' profiles built once per index until it changes, then each request) and the multi-gets
 * (audio-features for 100 ids, tracks for 50), on the TidyTuesday sample resampled to BENCH_TRACKS
 * tracks (bench/recommendations/resample.ts: ten variants of each artist, so artists keep realistic
 * sizes). Related artists are asked by name for artists drawn at random (seeded). Wall and CPU
 * times, with the load average, as the machine may be shared. Writes
 * bench/results/lookups-<date>.json. A benchmark, not a test: it never fails on a number.
 *
 *   npm run bench:lookups                       (BENCH_TRACKS=1000000, BENCH_QUERIES=200)
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CatalogIndex } from '../src/catalog-index/catalog-index';
import { CatalogIndexRef } from '../src/catalog-index/catalog-index-ref';
import { seededRandom } from '../src/common/numeric';
import { ArtistProfiles } from '../src/lookups/artist-profiles';
import { RelatedArtistsService } from '../src/lookups/related-artists.service';
import { TrackLookupsService } from '../src/lookups/track-lookups.service';
import { sharedDataPath } from '../test/helpers/shared-data';
import { resampledCatalog } from './recommendations/resample';
import { loadTidyTuesday } from './recommendations/tidytuesday';

const TRACKS = Number(process.env.BENCH_TRACKS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);

interface Timing {
  wall: number;
  cpu: number;
}

function timed(work: () => unknown): Timing {
  const cpu = process.cpuUsage();
  const started = performance.now();
  work();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

function summary(timings: Timing[]): Record<string, number> {
  const walls = timings.map((t) => t.wall).sort((a, b) => a - b);
  const cpus = timings.map((t) => t.cpu).sort((a, b) => a - b);
  const at = (values: number[], share: number) =>
    Number(values[Math.min(values.length - 1, Math.floor(values.length * share))].toFixed(2));
  return {
    p50_ms: at(walls, 0.5),
    p95_ms: at(walls, 0.95),
    p99_ms: at(walls, 0.99),
    max_ms: at(walls, 1),
    cpu_p50_ms: at(cpus, 0.5),
  };
}

const load = () => os.loadavg().map((value) => Number(value.toFixed(2)));

async function main(): Promise<void> {
  const loadBefore = load();
  const sample = loadTidyTuesday(sharedDataPath('spotify_songs_dev.csv'));
  const build = performance.now();
  const index = await CatalogIndex.build(resampledCatalog(sample.records, TRACKS, 42));
  const buildMs = performance.now() - build;
  const ref = new CatalogIndexRef();
  ref.swap(index);
  console.log(
    `${index.size} tracks, ${index.artistDictionarySize} artists, ${index.genreDictionarySize} genres; index built in ${buildMs.toFixed(0)} ms`,
  );

  // The first build pays for compiling the code; later ones are what an index change costs.
  const profileBuilds = Array.from({ length: 4 }, () => timed(() => new ArtistProfiles(index)));
  const related = new RelatedArtistsService(ref);
  related.profilesOf(index);

  const random = seededRandom(7);
  const names: string[] = [];
  for (
    let artist = 0;
    names.length < QUERIES;
    artist = Math.floor(random() * index.artistDictionarySize)
  ) {
    if (index.tracksOfArtist(artist).length > 0) names.push(index.artist(artist).name);
  }
  for (const name of names.slice(0, 20)) related.relatedTo(name); // warm-up
  const relatedTimings = names.map((name) => timed(() => related.relatedTo(name)));

  const tracks = new TrackLookupsService(ref);
  const { slotCount, live } = index.columns();
  const randomIds = (n: number) =>
    Array.from({ length: n }, () => {
      for (;;) {
        const slot = Math.floor(random() * slotCount);
        if (live[slot]) return index.idOf(slot);
      }
    });
  const featureQueries = Array.from({ length: QUERIES }, () => randomIds(100));
  const trackQueries = Array.from({ length: QUERIES }, () => randomIds(50));
  featureQueries.slice(0, 20).forEach((ids) => tracks.audioFeatures(ids));
  trackQueries.slice(0, 20).forEach((ids) => tracks.tracks(ids));
  const featureTimings = featureQueries.map((ids) => timed(() => tracks.audioFeatures(ids)));
  const trackTimings = trackQueries.map((ids) => timed(() => tracks.tracks(ids)));
  const seedTimings = Array.from({ length: 50 }, () => timed(() => tracks.genreSeeds()));

  const results = {
    date: new Date().toISOString(),
    command: 'npm run bench:lookups',
    node: process.version,
    cpus: os.cpus().length,
    load_average_before: loadBefore,
    load_average_after: load(),
    tracks: index.size,
    artists: index.artistDictionarySize,
    genres: index.genreDictionarySize,
    queries: QUERIES,
    index_build_ms: Math.round(buildMs),
    artist_profiles_build: {
      first_ms: Math.round(profileBuilds[0].wall),
      later_ms: profileBuilds.slice(1).map((t) => Math.round(t.wall)),
      later_cpu_ms: profileBuilds.slice(1).map((t) => Math.round(t.cpu)),
    },
    related_artists_by_name: summary(relatedTimings),
    audio_features_100_ids: summary(featureTimings),
    tracks_50_ids: summary(trackTimings),
    available_genre_seeds: summary(seedTimings),
  };
  console.log(JSON.stringify(results, null, 2));
  const folder = resolve(__dirname, 'results');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, `lookups-${results.date.slice(0, 10)}.json`),
    `${JSON.stringify(results, null, 2)}\n`,
  );
}

void main();
