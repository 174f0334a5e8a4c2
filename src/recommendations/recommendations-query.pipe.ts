import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse as parseCsv } from 'csv-parse/sync';
import { INDEX_COLUMNS } from '../catalog-index/catalog-index';
import { type ErrorDetail, flattenValidationErrors, ValidationFailedError } from '../common/errors';
import { closestName } from '../common/validation/did-you-mean';
import { TrendsQueryDto } from '../trends/dto/trends-query.dto';
import {
  DEFAULT_LIMIT,
  DEFAULT_MAX_PER_ARTIST,
  MAX_SEEDS,
  type ParameterSpec,
  RECOMMENDATION_PARAMETERS,
  type RecommendationsQuery,
} from './recommendation-parameters';

const MAX_LIST_ITEMS = 100;
const MAX_ITEM_LENGTH = 200;

/**
 * Reads the query string of the recommendation calls by the parameter table
 * (RECOMMENDATION_PARAMETERS: each parameter's kind, limits and where its value goes). Unlike a DTO
 * with `whitelist`, an unknown parameter is an error, not silently dropped: a typo such as
 * `target_enrgy` would otherwise change nothing and go unnoticed. Every problem is reported at
 * once, each by its parameter's name.
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
    negativeTracks: [],
    targets: {},
    min: {},
    max: {},
    limit: DEFAULT_LIMIT,
    excludeTracks: [],
    excludeArtists: [],
    maxPerArtist: DEFAULT_MAX_PER_ARTIST,
    explain: false,
  };
  const trend: Record<string, string> = {};

  for (const [name, value] of Object.entries(raw)) {
    const spec = specs.get(name);
    if (!spec) {
      details.push({ path: name, message: unknownMessage(name, call, [...specs.keys()]) });
      continue;
    }
    if (spec.kind === 'list') {
      const items = readList(name, value, details, spec.maxItems);
      if (items) store(query, spec, items);
      continue;
    }
    if (typeof value !== 'string') {
      details.push({ path: name, message: 'must be given once' });
      continue;
    }
    // The trend's parameters are validated with the trend's own query DTO, below.
    if (spec.into === 'trend') {
      trend[name] = value;
      continue;
    }
    const read = readScalar(spec, value);
    if ('error' in read) details.push({ path: name, message: read.error });
    else store(query, spec, read.value);
  }

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

/** Puts a parameter's value where its table entry says it goes. */
function store(
  query: RecommendationsQuery,
  spec: ParameterSpec,
  value: string[] | number | boolean | string,
): void {
  const into = spec.into;
  if (into === 'ignored' || into === 'trend') return;
  if (typeof into === 'object') query[into.bounds][into.column] = value as number;
  else Object.assign(query, { [into]: value });
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
function readList(
  name: string,
  value: unknown,
  details: ErrorDetail[],
  maxItems = MAX_LIST_ITEMS,
): string[] | undefined {
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
  if (items.length > maxItems) {
    details.push({ path: name, message: `must list at most ${maxItems} items` });
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
    return { value: value.trim() };
  }
  const number = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(number)) return { error: 'must be a number' };
  if (spec.kind === 'integer' && !Number.isInteger(number)) return { error: 'must be an integer' };
  const exclusiveMin = spec.exclusiveMin === true;
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
  const closest = closestName(name, known);
  return `is not a known parameter${closest ? ` (did you mean ${closest}?)` : ''}`;
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
