import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors';
import { AUDIO_FEATURES, ParsedTracks, resolvedOf, Track } from '../common/tracks';
import type {
  SimilarityQueryTrackDto,
  SimilarityResponseDto,
  SimilarTrackDto,
} from './dto/similarity-response.dto';
import { KnnEngine } from './knn-engine';

export interface SimilarityOptions {
  /** How many of the most recently played distinct tracks are queries. */
  recent: number;
  /** Neighbours per query. */
  k: number;
}

@Injectable()
export class SimilarityService {
  constructor(private readonly engine: KnnEngine) {}

  /**
   * For each of the `recent` most recently played distinct tracks, the `k` most similar other tracks
   * of the playlist: Euclidean k-nearest neighbours on audio features standardised with the candidate
   * pool's mean and standard deviation.
   *
   * Play order: newest `played_at`/`ts` first; equal times (and rows without any) by row, the later
   * row the newer. Where no track has a play time, array order is play order (the last row newest);
   * where only some have one, the untimed tracks count as older than every timed one.
   *
   * Candidate pool: every other track, minus any whose id is a query's, each track id once (its most
   * recent row). Rows without an id are each their own track.
   *
   * Features: those every track of the playlist has (sources differ: some lack `key` or
   * `time_signature`), minus those constant across the pool; none in common is a 400.
   */
  nearestToRecent(
    playlist: ParsedTracks<never>,
    { recent, k }: SimilarityOptions,
  ): SimilarityResponseDto {
    if (playlist.tracks.length === 0) {
      throw ValidationFailedError.field(
        'tracks',
        `has no track with audio features to use as a query (all ${playlist.skipped.length} rows were skipped)`,
      );
    }
    const shared = sharedFeatureColumns(playlist.tracks);
    if (shared.length === 0) {
      throw ValidationFailedError.field(
        'tracks',
        'have no audio feature in common: every feature is missing on some track, so none can compare them',
      );
    }
    const playOrder = inPlayOrder(playlist.tracks);
    const recentTracks = takeRecent(playOrder, recent);
    const candidatePool = poolWithout(playOrder, recentTracks);
    if (candidatePool.length < k) {
      const message = `k must not exceed the candidate pool: ${candidatePool.length} distinct track(s) remain after taking the ${recentTracks.length} most recent as queries, fewer than k=${k}`;
      throw new ValidationFailedError(
        [{ path: 'k', message: `must not exceed the candidate pool (${candidatePool.length})` }],
        message,
      );
    }

    const scaling = fitScaling(candidatePool, shared);
    const index = this.engine.fit(
      candidatePool.map((candidate) => standardise(candidate, scaling)),
      scaling.columns.length,
    );
    const results = recentTracks.map((query) => ({
      query: describeQuery(query.track),
      neighbours: index.nearest(standardise(query, scaling), k).map(({ index, distance }) => ({
        track: describeCandidate(candidatePool[index].track),
        distance,
      })),
    }));

    return {
      results,
      pool_size: candidatePool.length,
      features_used: scaling.columns.map((column) => AUDIO_FEATURES[column]),
      skipped: playlist.skipped,
      resolved: resolvedOf(playlist),
    };
  }
}

/**
 * A track with its play time (ms, -Infinity when unknown) and its 13 features in AUDIO_FEATURES
 * order (undefined where it lacks one).
 */
interface PlayedTrack {
  track: Track<never>;
  time: number;
  features: (number | undefined)[];
}

/** Indices (into AUDIO_FEATURES) of the features every track has. */
function sharedFeatureColumns(tracks: readonly Track<never>[]): number[] {
  const columns: number[] = [];
  AUDIO_FEATURES.forEach((feature, column) => {
    if (tracks.every((track) => track[feature] !== undefined)) columns.push(column);
  });
  return columns;
}

function inPlayOrder(tracks: readonly Track<never>[]): PlayedTrack[] {
  return tracks
    .map((track) => ({
      track,
      time: track.playedAt?.getTime() ?? Number.NEGATIVE_INFINITY,
      features: featureVector(track),
    }))
    .sort((a, b) => (a.time === b.time ? b.track.row - a.track.row : b.time > a.time ? 1 : -1));
}

/** The track's features in AUDIO_FEATURES order, read once per track. */
function featureVector(track: Track<never>): (number | undefined)[] {
  return AUDIO_FEATURES.map((feature) => track[feature]);
}

/** The `recent` newest tracks, each track id once (a song played twice is one query). */
function takeRecent(playOrder: readonly PlayedTrack[], recent: number): PlayedTrack[] {
  const recentTracks: PlayedTrack[] = [];
  const seenIds = new Set<string>();
  for (const played of playOrder) {
    if (recentTracks.length === recent) break;
    const id = played.track.id;
    if (id !== undefined) {
      if (seenIds.has(id)) continue;
      seenIds.add(id);
    }
    recentTracks.push(played);
  }
  return recentTracks;
}

/** Every other track, minus the queries' ids, each id once (most recent row first). */
function poolWithout(
  playOrder: readonly PlayedTrack[],
  recentTracks: readonly PlayedTrack[],
): PlayedTrack[] {
  const queries = new Set(recentTracks);
  const excludedIds = new Set(recentTracks.flatMap(({ track }) => (track.id ? [track.id] : [])));
  const pool: PlayedTrack[] = [];
  for (const played of playOrder) {
    if (queries.has(played)) continue;
    const id = played.track.id;
    if (id !== undefined) {
      if (excludedIds.has(id)) continue;
      excludedIds.add(id);
    }
    pool.push(played);
  }
  return pool;
}

/** Which feature columns vary across the pool, with their mean and population standard deviation. */
interface Scaling {
  columns: number[];
  means: number[];
  deviations: number[];
}

/** Of `columns` (features every track has), those constant across the pool are left out. */
function fitScaling(pool: readonly PlayedTrack[], columns: readonly number[]): Scaling {
  const scaling: Scaling = { columns: [], means: [], deviations: [] };
  for (const column of columns) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const { features } of pool) {
      const value = features[column]!;
      if (value < min) min = value;
      if (value > max) max = value;
      sum += value;
    }
    if (min === max) continue;
    const mean = sum / pool.length;
    let squares = 0;
    for (const { features } of pool) squares += (features[column]! - mean) ** 2;
    const deviation = Math.sqrt(squares / pool.length);
    if (!(deviation > 0)) continue;
    scaling.columns.push(column);
    scaling.means.push(mean);
    scaling.deviations.push(deviation);
  }
  return scaling;
}

function standardise({ features }: PlayedTrack, { columns, means, deviations }: Scaling): number[] {
  return columns.map((column, i) => (features[column]! - means[i]) / deviations[i]);
}

function describeQuery(track: Track<never>): SimilarityQueryTrackDto {
  return {
    id: track.id ?? null,
    played_at: track.playedAt?.toISOString() ?? null,
    row: track.row,
    resolved_by: track.resolvedBy ?? 'features',
  };
}

function describeCandidate(track: Track<never>): SimilarTrackDto {
  const described = {
    id: track.id ?? null,
    row: track.row,
    resolved_by: track.resolvedBy ?? 'features',
    ...(track.playedAt ? { played_at: track.playedAt.toISOString() } : {}),
  } as SimilarTrackDto;
  for (const feature of AUDIO_FEATURES) described[feature] = track[feature];
  return described;
}
