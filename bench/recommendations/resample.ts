/**
 * A large catalog resampled from a real one: the real tracks first, then copies of random real
 * tracks with noise on every feature and on popularity, each with its own id and name, credited to
 * one of ten variants of the real artist (and album), so that artists and albums keep realistic
 * sizes. Batches, as the catalog's streaming read gives them.
 */
import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  UNIT_FEATURES,
} from '../../src/common/tracks/audio-features';
import { seededRandom } from '../../src/common/numeric';

const VARIANTS = 10;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Standard deviation of the noise per feature, in its own unit. */
const NOISE: Partial<Record<string, number>> = {
  ...Object.fromEntries(UNIT_FEATURES.map((feature) => [feature, 0.04])),
  loudness: 1,
  tempo: 4,
  duration_ms: 15000,
};

export function* resampledCatalog(
  sample: readonly CatalogTrackRecord[],
  size: number,
  seed: number,
  batchSize = 10_000,
): Generator<CatalogTrackRecord[]> {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let batch: CatalogTrackRecord[] = [];
  for (let i = 0; i < size; i++) {
    batch.push(
      i < sample.length
        ? sample[i]
        : copy(sample[Math.floor(random() * sample.length)], i, random, gaussian),
    );
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function copy(
  base: CatalogTrackRecord,
  i: number,
  random: () => number,
  gaussian: () => number,
): CatalogTrackRecord {
  const variant = Math.floor(random() * VARIANTS);
  const features = { ...base.features };
  for (const feature of AUDIO_FEATURES) {
    const value = base.features[feature];
    const noise = NOISE[feature];
    if (value === null || noise === undefined) continue;
    const rule = AUDIO_FEATURE_RULES[feature];
    const noisy = Math.min(rule.max, Math.max(rule.min, value + gaussian() * noise));
    features[feature] =
      feature === 'duration_ms' ? Math.max(1000, Math.round(noisy)) : Math.round(noisy * 1e4) / 1e4;
  }
  const popularity =
    base.popularity === null
      ? null
      : Math.min(100, Math.max(0, Math.round(base.popularity + gaussian() * 5)));
  return {
    ...base,
    id: spotifyLikeId(i),
    name: `${base.name ?? 'Untitled'} (${i})`,
    artists: base.artists.map((artist) => ({
      id: artist.id && `${artist.id}${variant}`,
      name: `${artist.name} ${variant}`,
    })),
    album: {
      ...base.album,
      id: base.album.id && `${base.album.id}${variant}`,
      name: `${base.album.name} ${variant}`,
    },
    popularity,
    features,
  };
}

/** 22 base-62 characters, as Spotify ids are, distinct for each i. */
function spotifyLikeId(i: number): string {
  let id = '';
  for (let n = i; id.length < 22; n = Math.floor(n / 62)) id = BASE62[n % 62] + id;
  return 'z' + id.slice(1);
}

/**
 * The record as an import of the 1.2M-songs file (tracks_features.csv) would hold it: that file
 * carries no genres and no popularity, and gives every track a time signature.
 */
export function asTracks12m(record: CatalogTrackRecord): CatalogTrackRecord {
  return {
    ...record,
    popularity: null,
    genres: [],
    features: { ...record.features, time_signature: record.features.time_signature ?? 4 },
  };
}
