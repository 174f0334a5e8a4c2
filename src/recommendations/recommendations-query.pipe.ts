import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse as parseCsv } from 'csv-parse/sync';
import { COLUMN_RULES, INDEX_COLUMNS, type IndexColumn } from '../catalog-index/catalog-index';
import { type ErrorDetail, flattenValidationErrors, ValidationFailedError } from '../common/errors';
import { TrendsQueryDto } from '../trends/dto/trends-query.dto';
import { type ColumnValues, DEFAULT_LIMIT, DEFAULT_MAX_PER_ARTIST } from './recommendation-engine';

export const MAX_SEEDS = 5;
export const MAX_LIMIT = 100;
const MAX_LIST_ITEMS = 100;
const MAX_ITEM_LENGTH = 200;

type Kind = 'list' | 'integer' | 'boolean' | 'text' | 'number';

/** One query parameter of the recommendation calls: how it is read, and its documentation. */
export interface ParameterSpec {
  name: string;
  kind: Kind;
  description: string;
  /** Which calls take it. */
  calls: readonly ('get' | 'post')[];
  min?: number;
  max?: number;
  default?: number | boolean;
  example?: string | number | boolean;
  column?: IndexColumn;
  bound?: 'min' | 'max' | 'target';
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
    calls: ['get'],
    description:
      'Catalog track ids, comma-separated. With seed_artists and seed_genres, 1 to 5 seeds in all.',
    example: '6f807x0ima9a1j3VPbc7VN,0r7CVbZTWZgbTCYdfa2P31',
  },
  {
    name: 'seed_artists',
    kind: 'list',
    calls: ['get'],
    description:
      'Artist ids, or artist names where the catalog has no ids (names with a comma in double quotes), comma-separated.',
  },
  {
    name: 'seed_genres',
    kind: 'list',
    calls: ['get'],
    description: 'Genres of the catalog, comma-separated (case, hyphens and spaces do not matter).',
  },
  ...INDEX_COLUMNS.flatMap((column): ParameterSpec[] => {
    const rule = COLUMN_RULES[column];
    const range = { min: rule.min, max: rule.max };
    const text = COLUMN_TEXT[column];
    return [
      {
        name: `min_${column}`,
        kind: 'number',
        calls: BOTH,
        column,
        bound: 'min',
        ...range,
        description: `Hard lower bound on ${text}: tracks below it, or without it, are left out.`,
      },
      {
        name: `max_${column}`,
        kind: 'number',
        calls: BOTH,
        column,
        bound: 'max',
        ...range,
        description: `Hard upper bound on ${text}.`,
      },
      {
        name: `target_${column}`,
        kind: 'number',
        calls: BOTH,
        column,
        bound: 'target',
        ...range,
        description: `Preferred ${text}; every target weighs the same.`,
      },
    ];
  }),
  {
    name: 'limit',
    kind: 'integer',
    calls: BOTH,
    min: 1,
    max: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    description: 'How many tracks to return (fewer when fewer match).',
  },
  {
    name: 'market',
    kind: 'text',
    calls: BOTH,
    description: 'Accepted for compatibility with Spotify and ignored.',
  },
  {
    name: 'exclude_tracks',
    kind: 'list',
    calls: BOTH,
    description: 'Track ids never to recommend (seeds never are).',
  },
  {
    name: 'exclude_artists',
    kind: 'list',
    calls: BOTH,
    description: 'Artist ids or names whose tracks are never recommended.',
  },
  {
    name: 'max_per_artist',
    kind: 'integer',
    calls: BOTH,
    min: 1,
    max: MAX_LIMIT,
    default: DEFAULT_MAX_PER_ARTIST,
    description: 'At most this many tracks of one artist.',
  },
  {
    name: 'mood',
    kind: 'text',
    calls: BOTH,
    description:
      "Prefer catalog tracks predicted in this mood (one of the active mood model's moods). POST: the listener's predicted mood unless given.",
  },
  {
    name: 'explain',
    kind: 'boolean',
    calls: BOTH,
    default: false,
    description:
      'Add a `reason` to every track: closest seed, largest score contributions, targets met, variety penalty.',
  },
  {
    name: 'periods',
    kind: 'integer',
    calls: ['post'],
    description: 'Trend horizon in steps, as POST /metrics (default 10).',
  },
  {
    name: 'freq',
    kind: 'text',
    calls: ['post'],
    description: 'Length of one trend step, as POST /metrics (default 1min).',
  },
];

export interface RecommendationsQuery {
  seedTracks: string[];
  seedArtists: string[];
  seedGenres: string[];
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
 * Reads the query string of the recommendation calls. Unlike a DTO with `whitelist`, an unknown
 * parameter is an error, not silently dropped: a typo such as `target_enrgy` would otherwise change
 * nothing and go unnoticed. Every problem is reported at once, each by its parameter's name.
 */
export function parseRecommendationsQuery(
  raw: Record<string, unknown>,
  call: 'get' | 'post',
): RecommendationsQuery {
  const details: ErrorDetail[] = [];
  const specs = new Map(
    RECOMMENDATION_PARAMETERS.filter((spec) => spec.calls.includes(call)).map((spec) => [
      spec.name,
      spec,
    ]),
  );
  const query: RecommendationsQuery = {
    seedTracks: [],
    seedArtists: [],
    seedGenres: [],
    targets: {},
    min: {},
    max: {},
    limit: DEFAULT_LIMIT,
    excludeTracks: [],
    excludeArtists: [],
    maxPerArtist: DEFAULT_MAX_PER_ARTIST,
    explain: false,
  };
  const lists: Record<string, string[]> = {};
  const trend: Record<string, string> = {};

  for (const [name, value] of Object.entries(raw)) {
    const spec = specs.get(name);
    if (!spec) {
      details.push({ path: name, message: unknownMessage(name, call, [...specs.keys()]) });
      continue;
    }
    if (spec.kind === 'list') {
      const items = readList(name, value, details);
      if (items) lists[name] = items;
      continue;
    }
    if (typeof value !== 'string') {
      details.push({ path: name, message: 'must be given once' });
      continue;
    }
    if (name === 'periods' || name === 'freq') {
      trend[name] = value;
      continue;
    }
    const read = readScalar(spec, value);
    if ('error' in read) {
      details.push({ path: name, message: read.error });
      continue;
    }
    if (spec.column && spec.bound) {
      const bounds =
        spec.bound === 'min' ? query.min : spec.bound === 'max' ? query.max : query.targets;
      bounds[spec.column] = read.value as number;
    } else if (name === 'limit') query.limit = read.value as number;
    else if (name === 'max_per_artist') query.maxPerArtist = read.value as number;
    else if (name === 'explain') query.explain = read.value as boolean;
    else if (name === 'mood') query.mood = (read.value as string).trim();
  }

  query.seedTracks = lists.seed_tracks ?? [];
  query.seedArtists = lists.seed_artists ?? [];
  query.seedGenres = lists.seed_genres ?? [];
  query.excludeTracks = lists.exclude_tracks ?? [];
  query.excludeArtists = lists.exclude_artists ?? [];
  if (call === 'get') checkSeedCount(query, details);
  for (const column of INDEX_COLUMNS) {
    const min = query.min[column];
    const max = query.max[column];
    if (min !== undefined && max !== undefined && min > max) {
      const message = `min_${column} (${min}) is greater than max_${column} (${max})`;
      details.push({ path: `min_${column}`, message }, { path: `max_${column}`, message });
    }
  }
  if (call === 'post') query.trend = readTrendQuery(trend, details);
  if (details.length > 0) throw new ValidationFailedError(details);
  return query;
}

function checkSeedCount(query: RecommendationsQuery, details: ErrorDetail[]): void {
  const seeds = query.seedTracks.length + query.seedArtists.length + query.seedGenres.length;
  if (seeds === 0) {
    details.push({
      path: 'seed_tracks',
      message: `at least one seed is required: seed_tracks, seed_artists or seed_genres (1 to ${MAX_SEEDS} in all)`,
    });
  } else if (seeds > MAX_SEEDS) {
    for (const [name, list] of [
      ['seed_tracks', query.seedTracks],
      ['seed_artists', query.seedArtists],
      ['seed_genres', query.seedGenres],
    ] as const) {
      if (list.length > 0)
        details.push({ path: name, message: `at most ${MAX_SEEDS} seeds in all; got ${seeds}` });
    }
  }
}

/** A comma-separated list (items may be double-quoted), or the same parameter given several times. */
function readList(name: string, value: unknown, details: ErrorDetail[]): string[] | undefined {
  const parts = Array.isArray(value) ? (value as unknown[]) : [value];
  const items: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'string') {
      details.push({ path: name, message: 'must be a comma-separated list' });
      return undefined;
    }
    try {
      const rows: string[][] = parseCsv(part, { trim: true, relax_column_count: true });
      for (const row of rows) items.push(...row.filter((item) => item !== ''));
    } catch {
      details.push({
        path: name,
        message: 'must be a comma-separated list (with balanced double quotes)',
      });
      return undefined;
    }
  }
  if (items.length > MAX_LIST_ITEMS) {
    details.push({ path: name, message: `must list at most ${MAX_LIST_ITEMS} items` });
    return undefined;
  }
  if (items.some((item) => item.length > MAX_ITEM_LENGTH)) {
    details.push({
      path: name,
      message: `items must be at most ${MAX_ITEM_LENGTH} characters long`,
    });
    return undefined;
  }
  return [...new Set(items)];
}

/** The value, or what is wrong with it. */
function readScalar(
  spec: ParameterSpec,
  value: string,
): { value: number | boolean | string } | { error: string } {
  if (spec.kind === 'boolean') {
    const flag = value.toLowerCase();
    if (flag === 'true' || flag === '1') return { value: true };
    if (flag === 'false' || flag === '0') return { value: false };
    return { error: 'must be true or false' };
  }
  if (spec.kind === 'text') {
    if (value.trim() === '' || value.length > MAX_ITEM_LENGTH) {
      return { error: `must be a non-empty text of at most ${MAX_ITEM_LENGTH} characters` };
    }
    return { value };
  }
  const number = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(number)) return { error: 'must be a number' };
  if (spec.kind === 'integer' && !Number.isInteger(number)) return { error: 'must be an integer' };
  const exclusiveMin = spec.column ? COLUMN_RULES[spec.column].exclusiveMin : false;
  if (spec.min !== undefined && (exclusiveMin ? number <= spec.min : number < spec.min)) {
    return { error: `must be ${exclusiveMin ? 'greater than' : 'at least'} ${spec.min}` };
  }
  if (spec.max !== undefined && number > spec.max) return { error: `must be at most ${spec.max}` };
  return { value: number };
}

function readTrendQuery(raw: Record<string, string>, details: ErrorDetail[]): TrendsQueryDto {
  const trend = plainToInstance(TrendsQueryDto, raw);
  const errors = validateSync(trend, { forbidUnknownValues: false, stopAtFirstError: true });
  details.push(...flattenValidationErrors(errors));
  return trend;
}

function unknownMessage(name: string, call: 'get' | 'post', known: string[]): string {
  if (call === 'post' && name.startsWith('seed_')) {
    return 'is not a parameter of POST: its seeds are the most recent tracks of the body';
  }
  const closest = known
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const hint = closest && closest.distance <= 3 ? ` (did you mean ${closest.candidate}?)` : '';
  return `is not a known parameter${hint}`;
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** GET /recommendations' query string → RecommendationsQuery (400 naming every bad parameter). */
@Injectable()
export class RecommendationsQueryPipe implements PipeTransform<
  Record<string, unknown>,
  RecommendationsQuery
> {
  transform(raw: Record<string, unknown>): RecommendationsQuery {
    return parseRecommendationsQuery(raw ?? {}, 'get');
  }
}

/** POST /recommendations' query string: as GET, without seeds, with the trend's periods and freq. */
@Injectable()
export class HistoryRecommendationsQueryPipe implements PipeTransform<
  Record<string, unknown>,
  RecommendationsQuery
> {
  transform(raw: Record<string, unknown>): RecommendationsQuery {
    return parseRecommendationsQuery(raw ?? {}, 'post');
  }
}
