import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors';
import { AUDIO_FEATURES, AudioFeature, ParsedTracks, Track } from '../common/tracks';
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

/** Mean and standard deviation of the features that vary across the candidate pool. */
interface Scaling {
  features: AudioFeature[];
  means: number[];
  deviations: number[];
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
   */
  nearestToRecent(playlist: ParsedTracks, { recent, k }: SimilarityOptions): SimilarityResponseDto {
    if (playlist.tracks.length === 0) {
      throw ValidationFailedError.field(
        'tracks',
        `has no track with audio features to use as a query (all ${playlist.skipped.length} rows were skipped)`,
      );
    }
    const playOrder = newestFirst(playlist.tracks);
    const recentTracks = takeRecent(playOrder, recent);
    const candidatePool = poolWithout(playOrder, recentTracks);
    if (candidatePool.length < k) {
      const message = `k must not exceed the candidate pool: ${candidatePool.length} distinct track(s) remain after taking the ${recentTracks.length} most recent as queries, fewer than k=${k}`;
      throw new ValidationFailedError(
        [{ path: 'k', message: `must not exceed the candidate pool (${candidatePool.length})` }],
        message,
      );
    }

    const scaling = fitScaling(candidatePool);
    const index = this.engine.fit(
      candidatePool.map((track) => standardise(track, scaling)),
      scaling.features.length,
    );
    const results = recentTracks.map((query) => ({
      query: describeQuery(query),
      neighbours: index.nearest(standardise(query, scaling), k).map(({ index, distance }) => ({
        track: describeCandidate(candidatePool[index]),
        distance,
      })),
    }));

    return {
      results,
      pool_size: candidatePool.length,
      features_used: scaling.features,
      skipped: playlist.skipped,
    };
  }
}

function newestFirst(tracks: readonly Track[]): Track[] {
  const time = (track: Track) => track.playedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return [...tracks].sort((a, b) => {
    const byTime = time(b) === time(a) ? 0 : time(b) > time(a) ? 1 : -1;
    return byTime || b.row - a.row;
  });
}

/** The `recent` newest tracks, each track id once (a song played twice is one query). */
function takeRecent(playOrder: readonly Track[], recent: number): Track[] {
  const recentTracks: Track[] = [];
  const seenIds = new Set<string>();
  for (const track of playOrder) {
    if (recentTracks.length === recent) break;
    if (track.id !== undefined) {
      if (seenIds.has(track.id)) continue;
      seenIds.add(track.id);
    }
    recentTracks.push(track);
  }
  return recentTracks;
}

/** Every other track, minus the queries' ids, each id once (most recent row first). */
function poolWithout(playOrder: readonly Track[], recentTracks: readonly Track[]): Track[] {
  const queries = new Set(recentTracks);
  const excludedIds = new Set(recentTracks.flatMap((track) => (track.id ? [track.id] : [])));
  const pool: Track[] = [];
  for (const track of playOrder) {
    if (queries.has(track)) continue;
    if (track.id !== undefined) {
      if (excludedIds.has(track.id)) continue;
      excludedIds.add(track.id);
    }
    pool.push(track);
  }
  return pool;
}

/** Population mean and standard deviation per feature; features constant across the pool are left out. */
function fitScaling(pool: readonly Track[]): Scaling {
  const scaling: Scaling = { features: [], means: [], deviations: [] };
  for (const feature of AUDIO_FEATURES) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const track of pool) {
      const value = track[feature];
      if (value < min) min = value;
      if (value > max) max = value;
      sum += value;
    }
    if (min === max) continue;
    const mean = sum / pool.length;
    let squares = 0;
    for (const track of pool) squares += (track[feature] - mean) ** 2;
    const deviation = Math.sqrt(squares / pool.length);
    if (!(deviation > 0)) continue;
    scaling.features.push(feature);
    scaling.means.push(mean);
    scaling.deviations.push(deviation);
  }
  return scaling;
}

function standardise(track: Track, { features, means, deviations }: Scaling): number[] {
  return features.map((feature, i) => (track[feature] - means[i]) / deviations[i]);
}

function describeQuery(track: Track): SimilarityQueryTrackDto {
  return {
    id: track.id ?? null,
    played_at: track.playedAt?.toISOString() ?? null,
    row: track.row,
  };
}

function describeCandidate(track: Track): SimilarTrackDto {
  return {
    id: track.id ?? null,
    row: track.row,
    ...(track.playedAt ? { played_at: track.playedAt.toISOString() } : {}),
    danceability: track.danceability,
    energy: track.energy,
    key: track.key,
    loudness: track.loudness,
    mode: track.mode,
    speechiness: track.speechiness,
    acousticness: track.acousticness,
    instrumentalness: track.instrumentalness,
    liveness: track.liveness,
    valence: track.valence,
    tempo: track.tempo,
    duration_ms: track.duration_ms,
    time_signature: track.time_signature,
  };
}
