import { COLUMN_RULES, INDEX_COLUMNS, type IndexColumn } from '../catalog-index/catalog-index';
import type { TrendsQueryDto } from '../trends/dto/trends-query.dto';
import type { ColumnValues } from './recommendation-request';

export const MAX_SEEDS = 5;
/** Negative seeds are ours, beside Spotify's contract: they have their own limit, not MAX_SEEDS'. */
export const MAX_NEGATIVE_SEEDS = 5;
const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;
export const DEFAULT_MAX_PER_ARTIST = 2;

/** The query string of the recommendation calls, as the pipe reads it (RECOMMENDATION_PARAMETERS). */
export interface RecommendationsQuery {
  seedTracks: string[];
  seedArtists: string[];
  seedGenres: string[];
  /** Named as RecommendationRequest's field, so that the query passes it on as it is. */
  negativeTracks: string[];
  targets: ColumnValues;
  min: ColumnValues;
  max: ColumnValues;
  limit: number;
  excludeTracks: string[];
  excludeArtists: string[];
  maxPerArtist: number;
  mood?: string;
  explain: boolean;
  /** POST: the trend's query (periods, freq), validated as POST /metrics validates it. */
  trend?: TrendsQueryDto;
}

/**
 * Where a parameter's value goes: a field of RecommendationsQuery (a list's items, a number, the
 * flag, the mood), a column of its min, max or targets, the trend's query (periods and freq,
 * validated there), or nowhere (accepted for compatibility and ignored).
 */
export type ParameterTarget =
  | 'seedTracks'
  | 'seedArtists'
  | 'seedGenres'
  | 'negativeTracks'
  | 'excludeTracks'
  | 'excludeArtists'
  | 'limit'
  | 'maxPerArtist'
  | 'explain'
  | 'mood'
  | { bounds: 'min' | 'max' | 'targets'; column: IndexColumn }
  | 'trend'
  | 'ignored';

/** One query parameter of the recommendation calls: how it is read, where it goes, its documentation. */
export interface ParameterSpec {
  name: string;
  kind: 'list' | 'integer' | 'boolean' | 'text' | 'number';
  into: ParameterTarget;
  description: string;
  /** Which calls take it. */
  calls: readonly ('get' | 'post')[];
  min?: number;
  /** `min` itself is out of range (a duration of 0). */
  exclusiveMin?: boolean;
  max?: number;
  /** A list's most items (else the pipe's general limit). */
  maxItems?: number;
  default?: number | boolean;
  example?: string | number | boolean;
}

const BOTH = ['get', 'post'] as const;

const COLUMN_TEXT: Record<IndexColumn, string> = {
  acousticness: 'acousticness (0–1)',
  danceability: 'danceability (0–1)',
  duration_ms: 'duration in milliseconds',
  energy: 'energy (0–1)',
  instrumentalness: 'instrumentalness (0–1)',
  key: 'key (pitch class, -1 none … 11)',
  liveness: 'liveness (0–1)',
  loudness: 'loudness in dB',
  mode: 'mode (0 minor, 1 major)',
  popularity: 'popularity (0–100)',
  speechiness: 'speechiness (0–1)',
  tempo: 'tempo in BPM',
  time_signature: 'time signature (beats per bar)',
  valence: 'valence (0–1)',
};

/** Every parameter: Spotify's legacy contract, then what this service adds. */
export const RECOMMENDATION_PARAMETERS: readonly ParameterSpec[] = [
  {
    name: 'seed_tracks',
    kind: 'list',
    into: 'seedTracks',
    calls: ['get'],
    description:
      'Catalog track ids, comma-separated. With seed_artists and seed_genres, 1 to 5 seeds in all.',
    example: '6f807x0ima9a1j3VPbc7VN,0r7CVbZTWZgbTCYdfa2P31',
  },
  {
    name: 'seed_artists',
    kind: 'list',
    into: 'seedArtists',
    calls: ['get'],
    description:
      'Artist ids, or artist names where the catalog has no ids (names with a comma in double quotes), comma-separated.',
  },
  {
    name: 'seed_genres',
    kind: 'list',
    into: 'seedGenres',
    calls: ['get'],
    description: 'Genres of the catalog, comma-separated (case, hyphens and spaces do not matter).',
  },
  {
    name: 'negative_seed_tracks',
    kind: 'list',
    into: 'negativeTracks',
    calls: ['get'],
    maxItems: MAX_NEGATIVE_SEEDS,
    description: `Catalog track ids the listener does not want, 1 to ${MAX_NEGATIVE_SEEDS}, comma-separated (not counted among the 5 seeds): never recommended, and tracks close to their features score lower.`,
  },
  ...INDEX_COLUMNS.flatMap((column): ParameterSpec[] => {
    const rule = COLUMN_RULES[column];
    const range = { min: rule.min, exclusiveMin: rule.exclusiveMin, max: rule.max };
    const text = COLUMN_TEXT[column];
    return [
      {
        name: `min_${column}`,
        kind: 'number',
        into: { bounds: 'min', column },
        calls: BOTH,
        ...range,
        description: `Hard lower bound on ${text}: tracks below it, or without it, are left out.`,
      },
      {
        name: `max_${column}`,
        kind: 'number',
        into: { bounds: 'max', column },
        calls: BOTH,
        ...range,
        description: `Hard upper bound on ${text}.`,
      },
      {
        name: `target_${column}`,
        kind: 'number',
        into: { bounds: 'targets', column },
        calls: BOTH,
        ...range,
        description: `Preferred ${text}; every target weighs the same.`,
      },
    ];
  }),
  {
    name: 'limit',
    kind: 'integer',
    into: 'limit',
    calls: BOTH,
    min: 1,
    max: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    description: 'How many tracks to return (fewer when fewer match).',
  },
  {
    name: 'market',
    kind: 'text',
    into: 'ignored',
    calls: BOTH,
    description: 'Accepted for compatibility with Spotify and ignored.',
  },
  {
    name: 'exclude_tracks',
    kind: 'list',
    into: 'excludeTracks',
    calls: BOTH,
    description: 'Track ids never to recommend (seeds never are).',
  },
  {
    name: 'exclude_artists',
    kind: 'list',
    into: 'excludeArtists',
    calls: BOTH,
    description: 'Artist ids or names whose tracks are never recommended.',
  },
  {
    name: 'max_per_artist',
    kind: 'integer',
    into: 'maxPerArtist',
    calls: BOTH,
    min: 1,
    max: MAX_LIMIT,
    default: DEFAULT_MAX_PER_ARTIST,
    description: 'At most this many tracks of one artist.',
  },
  {
    name: 'mood',
    kind: 'text',
    into: 'mood',
    calls: BOTH,
    description:
      "Prefer catalog tracks predicted in this mood (one of the active mood model's moods). POST: the listener's predicted mood unless given.",
  },
  {
    name: 'explain',
    kind: 'boolean',
    into: 'explain',
    calls: BOTH,
    default: false,
    description:
      'Add a `reason` to every track: closest seed, largest score contributions, targets met, negative-seed and variety penalties.',
  },
  {
    name: 'periods',
    kind: 'integer',
    into: 'trend',
    calls: ['post'],
    description: 'Trend horizon in steps, as POST /metrics (default 10).',
  },
  {
    name: 'freq',
    kind: 'text',
    into: 'trend',
    calls: ['post'],
    description: 'Length of one trend step, as POST /metrics (default 1min).',
  },
];
