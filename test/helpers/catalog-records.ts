import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  type AudioFeature,
} from '../../src/common/tracks/audio-features';

/** Where a column's values usually lie: its rule's range, but real loudness, tempo and durations. */
export function typicalRange(column: AudioFeature | 'popularity'): [number, number] {
  if (column === 'loudness') return [-40, 0];
  if (column === 'duration_ms') return [60000, 400000];
  if (column === 'tempo') return [60, 200];
  if (column === 'popularity') return [0, 100];
  const rule = AUDIO_FEATURE_RULES[column];
  return [rule.min, rule.max];
}

export interface RandomCatalogOptions {
  /** Share of feature values left unknown (default 0.1). */
  missing?: number;
  /** Features no track has (as time_signature in TidyTuesday). */
  absent?: readonly string[];
  /** Round values to two decimals, so that many tracks tie (default: Spotify's four). */
  coarse?: boolean;
  artists?: number;
  genres?: number;
  idPrefix?: string;
}

/**
 * Random catalog tracks for tests: every feature within its rules (some unknown), artists with and
 * without Spotify ids, albums, genres, popularity and explicit sometimes unknown.
 */
export function randomCatalog(
  random: () => number,
  size: number,
  options: RandomCatalogOptions = {},
): CatalogTrackRecord[] {
  const missing = options.missing ?? 0.1;
  const artistCount = options.artists ?? Math.max(3, Math.round(size / 15));
  const genreCount = options.genres ?? 8;
  const prefix = options.idPrefix ?? 't';
  const pick = (n: number) => Math.floor(random() * n);
  const artist = (a: number) => ({ id: a % 3 === 0 ? null : `artist${a}`, name: `Artist ${a}` });
  return Array.from({ length: size }, (_, i) => {
    const first = pick(artistCount);
    const artists = [artist(first)];
    if (random() < 0.2) artists.push(artist((first + 1 + pick(artistCount - 1)) % artistCount));
    const albumNumber = pick(3);
    const genres = [
      ...new Set(Array.from({ length: pick(4) }, () => `genre ${pick(genreCount)}`)),
    ].sort();
    const features = Object.fromEntries(
      AUDIO_FEATURES.map((feature) => {
        if (options.absent?.includes(feature) || random() < missing) return [feature, null];
        const rule = AUDIO_FEATURE_RULES[feature];
        const [min, max] = typicalRange(feature);
        let value = min + random() * (max - min);
        // Spotify's precision (three or four decimals), or two decimals for many ties.
        const decimals = rule.integer || feature === 'duration_ms' ? 0 : options.coarse ? 2 : 4;
        value = Math.round(value * 10 ** decimals) / 10 ** decimals;
        return [feature, value];
      }),
    ) as CatalogTrackRecord['features'];
    return {
      id: `${prefix}${String(i).padStart(6, '0')}`,
      name: `Track ${i}`,
      artists,
      album: {
        id: albumNumber === 0 ? null : `album${first}-${albumNumber}`,
        name: `Album ${first}-${albumNumber}`,
        release_date: '2020-01-01',
        year: 2020,
      },
      popularity: random() < missing ? null : pick(101),
      explicit: random() < missing ? null : random() < 0.3,
      genres,
      features,
    };
  });
}
