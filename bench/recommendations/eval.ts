/**
 * npm run eval:recommendations — playlist continuation on the TidyTuesday sample
 * (../shared/data/spotify_songs_dev.csv, imported whole as the catalog). For every playlist of at
 * least 25 tracks: 5 of its tracks (drawn with a seeded generator) as seed_tracks, 20
 * recommendations, and
 *   hit rate@20      the share of the 20 that belong to the playlist;
 *   genre precision  the share of the 20 that carry the playlist's genre.
 * The playlists are split once, with seed 2026, into a tuning half and a held-out half: every weight
 * of the engine was chosen on the tuning half only (`-- --tune` runs that search); the held-out half
 * is what the README reports. Baselines in the same run: random tracks, the most popular tracks, and
 * centroid-cosine (the mean of the seeds' standardised features, ranked by cosine similarity).
 * Writes bench/results/recommendations-eval-<date>.json and prints a table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AUDIO_FEATURES } from '../../src/common/tracks/audio-features';
import { CatalogIndex, COLUMN_COUNT } from '../../src/catalog-index/catalog-index';
import { seededRandom, shuffled } from '../../src/common/numeric';
import { RecommendationEngine } from '../../src/recommendations/recommendation-engine';
import { DEFAULT_LIMIT } from '../../src/recommendations/recommendation-parameters';
import {
  DEFAULT_WEIGHTS,
  type RecommendationWeights,
} from '../../src/recommendations/recommendation-weights';
import { loadTidyTuesday, type SamplePlaylist } from './tidytuesday';
import { requestFor } from '../../test/helpers/recommendations';
import { sharedDataPath } from '../../test/helpers/shared-data';

const ROOT = resolve(__dirname, '..', '..');
const SAMPLE = sharedDataPath('spotify_songs_dev.csv');
export const SPLIT_SEED = 2026;
const MIN_PLAYLIST = 25;
const SEEDS = 5;
const LIMIT = DEFAULT_LIMIT;

export interface Case {
  playlist: SamplePlaylist;
  seeds: string[];
  members: Set<string>;
}

export interface Score {
  hitRate: number;
  genrePrecision: number;
}

export type Recommender = (item: Case) => string[];

export function evaluationCases(playlists: SamplePlaylist[]): { tuning: Case[]; heldOut: Case[] } {
  const eligible = playlists.filter((playlist) => playlist.trackIds.length >= MIN_PLAYLIST);
  const random = seededRandom(SPLIT_SEED);
  const order = shuffled(eligible, random);
  const cases = order.map((playlist) => ({
    playlist,
    seeds: shuffled(playlist.trackIds, random).slice(0, SEEDS),
    members: new Set(playlist.trackIds),
  }));
  const half = Math.ceil(cases.length / 2);
  return { tuning: cases.slice(0, half), heldOut: cases.slice(half) };
}

export function evaluate(index: CatalogIndex, cases: Case[], recommend: Recommender): Score {
  let hits = 0;
  let inGenre = 0;
  for (const item of cases) {
    const seeds = new Set(item.seeds);
    const recommended = recommend(item).slice(0, LIMIT);
    for (const id of recommended) {
      if (seeds.has(id))
        throw new Error(`${id} is a seed of ${item.playlist.id} and was recommended`);
      if (item.members.has(id)) hits++;
      if (index.genresOf(index.slotOf(id)!).some((g) => index.genreName(g) === item.playlist.genre))
        inGenre++;
    }
  }
  return {
    hitRate: hits / (cases.length * LIMIT),
    genrePrecision: inGenre / (cases.length * LIMIT),
  };
}

export function engineRecommender(
  index: CatalogIndex,
  weights: RecommendationWeights,
): Recommender {
  const engine = new RecommendationEngine(weights);
  return (item) =>
    engine
      .recommend(index, requestFor(item.seeds.map((id) => ({ type: 'track', id }))))
      .tracks.map((track) => track.id);
}

/** Every live track id, once. */
function catalogIds(index: CatalogIndex): string[] {
  const { slotCount, live } = index.columns();
  const ids: string[] = [];
  for (let slot = 0; slot < slotCount; slot++) if (live[slot]) ids.push(index.idOf(slot));
  return ids;
}

function baselines(index: CatalogIndex): Record<string, Recommender> {
  const ids = catalogIds(index);
  const { values } = index.columns();
  const popularity = (id: string) =>
    values[index.slotOf(id)! * COLUMN_COUNT + COLUMN_COUNT - 1] || 0;
  const byPopularity = [...ids].sort((a, b) => popularity(b) - popularity(a) || (a < b ? -1 : 1));
  // Standardised audio features, 0 where unknown (the mean), as most open-source recommenders do.
  const features = AUDIO_FEATURES.map((_, c) => c);
  const standardised = (id: string) => {
    const slot = index.slotOf(id)!;
    return features.map((c) => {
      const v = values[slot * COLUMN_COUNT + c];
      return v === v ? (v - index.mean[c]) / index.sd[c] : 0;
    });
  };
  const vectors = ids.map(standardised);
  const norms = vectors.map((v) => Math.hypot(...v));
  const random = seededRandom(SPLIT_SEED + 1);
  return {
    random: (item) =>
      shuffled(
        ids.filter((id) => !item.seeds.includes(id)),
        random,
      ).slice(0, LIMIT),
    'most popular': (item) => byPopularity.filter((id) => !item.seeds.includes(id)).slice(0, LIMIT),
    'centroid-cosine': (item) => {
      const centroid = features.map(
        (_, k) => item.seeds.reduce((sum, id) => sum + standardised(id)[k], 0) / item.seeds.length,
      );
      const centroidNorm = Math.hypot(...centroid);
      const cosine = vectors.map(
        (v, i) =>
          v.reduce((sum, x, k) => sum + x * centroid[k], 0) / (norms[i] * centroidNorm || 1),
      );
      return ids
        .map((id, i) => ({ id, cosine: cosine[i] }))
        .filter(({ id }) => !item.seeds.includes(id))
        .sort((a, b) => b.cosine - a.cosine || (a.id < b.id ? -1 : 1))
        .slice(0, LIMIT)
        .map(({ id }) => id);
    },
  };
}

/** Reference rows: the engine with its bonuses and rerank switched off, feature by feature. */
function ablations(weights: RecommendationWeights): Record<string, RecommendationWeights> {
  const featuresOnly = {
    ...weights,
    sameArtist: 0,
    sameAlbum: 0,
    genre: 0,
    popularity: 0,
    diversity: 0,
  };
  return {
    'nearest seed (features only)': featuresOnly,
    'nearest seed + same artist': { ...featuresOnly, sameArtist: weights.sameArtist },
    'nearest seed + artist + album + genre': { ...weights, popularity: 0, diversity: 0 },
    // TidyTuesday's genres are the labels of the playlists a track is in: what is left without them.
    'engine, default weights, no genre bonus': { ...weights, genre: 0 },
  };
}

function main(): void {
  const sample = loadTidyTuesday(SAMPLE);
  const index = CatalogIndex.fromRecords(sample.records, {
    splitWeights: DEFAULT_WEIGHTS.features,
  });
  const { tuning, heldOut } = evaluationCases(sample.playlists);
  const rows: { name: string; tuning: Score; heldOut: Score }[] = [];
  const run = (name: string, recommend: Recommender) =>
    rows.push({
      name,
      tuning: evaluate(index, tuning, recommend),
      heldOut: evaluate(index, heldOut, recommend),
    });
  for (const [name, recommend] of Object.entries(baselines(index))) run(name, recommend);
  for (const [name, weights] of Object.entries(ablations({ ...DEFAULT_WEIGHTS }))) {
    run(name, engineRecommender(index, weights));
  }
  run('engine, default (tuned) weights', engineRecommender(index, { ...DEFAULT_WEIGHTS }));

  const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
  console.log(
    `${tuning.length} tuning and ${heldOut.length} held-out playlists (≥ ${MIN_PLAYLIST} tracks, split seed ${SPLIT_SEED}); ${index.size} catalog tracks`,
  );
  console.log(
    '| recommender | hit@20 tuning | hit@20 held-out | genre precision tuning | genre precision held-out |',
  );
  console.log('|---|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${percent(row.tuning.hitRate)} | ${percent(row.heldOut.hitRate)} | ${percent(row.tuning.genrePrecision)} | ${percent(row.heldOut.genrePrecision)} |`,
    );
  }
  const results = join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `recommendations-eval-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(
    file,
    JSON.stringify({ splitSeed: SPLIT_SEED, weights: DEFAULT_WEIGHTS, rows }, null, 2) + '\n',
  );
  console.log(`Results: ${file}`);
}

if (require.main === module) main();
