import { Inject, Injectable } from '@nestjs/common';
import { COLUMN_COUNT, INDEX_COLUMNS } from '../catalog-index/catalog-index';
import { CatalogIndexRef } from '../catalog-index/catalog-index-ref';
import { ValidationFailedError } from '../common/errors';
import type { ResolvedRow } from '../common/listening';
import { type ParsedTracks, resolvedOf, type Track } from '../common/tracks';
import type { TrendMetric } from '../trends/trend-metrics';
import { TrendsService } from '../trends/trends.service';
import type { TrendMetricsDto } from '../trends/dto/trends-response.dto';
import type {
  HistoryRecommendationsResponseDto,
  ListenerMoodDto,
  RecommendationsResponseDto,
} from './dto/recommendations-response.dto';
import { MOOD_PREDICTOR, type MoodPredictor } from './mood-predictor';
import { RecommendationEngine } from './recommendation-engine';
import {
  MAX_NEGATIVE_SEEDS,
  MAX_SEEDS,
  type RecommendationsQuery,
} from './recommendation-parameters';
import type { SeedInput } from './recommendation-request';
import {
  CatalogEmptyError,
  CatalogLoadingError,
  SeedNotFoundError,
} from './recommendations.errors';

/**
 * A listening history: its listens as tracks; where it was read as listening data (ListeningReader),
 * every row as resolved (for seeds by artist) and the tracks the listener skipped.
 */
export type HistoryTracks = ParsedTracks<TrendMetric> & {
  rows?: readonly ResolvedRow[];
  skippedTrackIds?: readonly string[];
};

/**
 * Songs from the catalog: for Spotify's legacy query (seeds, targets, bounds), and for a listening
 * history (the trend's targets, the listener's mood, the latest tracks as seeds, the tracks the
 * listener skipped as negative seeds).
 */
@Injectable()
export class RecommendationsService {
  constructor(
    private readonly catalog: CatalogIndexRef,
    private readonly engine: RecommendationEngine,
    private readonly trends: TrendsService,
    @Inject(MOOD_PREDICTOR) private readonly moodPredictor: MoodPredictor,
  ) {}

  /** GET: seeds as given; 404 when the catalog knows none of them. */
  recommend(query: RecommendationsQuery): RecommendationsResponseDto {
    this.requireCatalog();
    const mood = query.mood === undefined ? undefined : this.checkMood(query.mood);
    const seeds: SeedInput[] = [
      ...query.seedTracks.map((id) => ({ type: 'track' as const, id })),
      ...query.seedArtists.map((id) => ({ type: 'artist' as const, id })),
      ...query.seedGenres.map((id) => ({ type: 'genre' as const, id })),
    ];
    const result = this.engine.recommend(this.catalog.current, { ...query, seeds, mood });
    if (result.unknownSeeds.length === seeds.length)
      throw new SeedNotFoundError(result.unknownSeeds);
    return { tracks: result.tracks, seeds: result.seeds };
  }

  /**
   * POST: the targets are the trend of the history (the very forecast of POST /metrics), the mood
   * the listener's (unless given), the seeds its latest distinct tracks (by their own features
   * where the catalog lacks them, with their catalog artists where it has them), then the artists
   * of listens the catalog lacks but whose artist it knows; no track of the history is recommended,
   * and the latest tracks the listener skipped are negative seeds.
   */
  async recommendFromHistory(
    history: HistoryTracks,
    query: RecommendationsQuery,
  ): Promise<HistoryRecommendationsResponseDto> {
    this.requireCatalog();
    const mood = this.listenerMood(history, query.mood);
    const trend = await this.trends.forecastTargets(history, query.trend!);
    const targets: TrendMetricsDto = { ...trend.metrics, ...query.targets };
    const historyIds = history.tracks.flatMap((track) => (track.id ? [track.id] : []));
    const skips = history.skippedTrackIds ?? [];
    const seeds = latestTracks(history.tracks).map(toSeed);
    seeds.push(...artistSeeds(history.rows ?? [], MAX_SEEDS - seeds.length));
    const result = this.engine.recommend(this.catalog.current, {
      ...query,
      seeds,
      targets,
      mood: mood?.name,
      excludeTracks: [...query.excludeTracks, ...historyIds, ...skips],
      // The latest skips push the answer away from their sound (every skip is excluded above).
      negativeTracks: skips.slice(-MAX_NEGATIVE_SEEDS),
    });
    return {
      tracks: result.tracks,
      seeds: result.seeds,
      targets,
      mood,
      skipped: trend.skipped,
      resolved: resolvedOf(history),
    };
  }

  private requireCatalog(): void {
    if (!this.catalog.loaded) throw new CatalogLoadingError();
    if (this.catalog.current.size === 0) throw new CatalogEmptyError();
  }

  private checkMood(mood: string): string {
    const moods = this.moodPredictor.moods();
    if (moods.length === 0) {
      throw ValidationFailedError.field('mood', 'cannot be used yet: no mood model is active');
    }
    if (!moods.includes(mood)) {
      throw ValidationFailedError.field(
        'mood',
        `must be one of the active mood model's moods: ${moods.join(', ')}`,
      );
    }
    return mood;
  }

  private listenerMood(
    history: ParsedTracks<never>,
    asked: string | undefined,
  ): ListenerMoodDto | null {
    if (asked !== undefined)
      return { name: this.checkMood(asked), source: 'query', confidence: null };
    const predicted = this.moodPredictor.predict(history);
    return predicted
      ? { name: predicted.mood, source: 'model', confidence: predicted.confidence }
      : null;
  }
}

/**
 * The latest distinct tracks, newest first: by play time, tracks without one older than any with
 * one, and later rows newer on ties (the order POST /similarity uses). A track without an id is its
 * own track.
 */
function latestTracks(tracks: readonly Track<never>[]): Track<never>[] {
  const newestFirst = [...tracks].sort(
    (a, b) =>
      (b.playedAt?.getTime() ?? -Infinity) - (a.playedAt?.getTime() ?? -Infinity) || b.row - a.row,
  );
  const seen = new Set<string>();
  const latest: Track<never>[] = [];
  for (const track of newestFirst) {
    if (latest.length === MAX_SEEDS) break;
    if (track.id !== undefined) {
      if (seen.has(track.id)) continue;
      seen.add(track.id);
    }
    latest.push(track);
  }
  return latest;
}

/**
 * Seeds by artist for what the track seeds leave free (`room`): the artists, newest first, of the
 * history's listens that the catalog lacks but whose artist it knows (by id, else by name).
 */
function artistSeeds(rows: readonly ResolvedRow[], room: number): SeedInput[] {
  const seeds: SeedInput[] = [];
  const seen = new Set<string>();
  const newestFirst = rows
    .filter((row) => row.signal === 'listen' && row.features === undefined && row.artistKnown)
    .sort(
      (a, b) =>
        (b.playedAt?.getTime() ?? -Infinity) - (a.playedAt?.getTime() ?? -Infinity) ||
        b.row - a.row,
    );
  for (const row of newestFirst) {
    if (seeds.length >= room) break;
    const artist = row.artists[0];
    if (artist === undefined) continue;
    const id = artist.id ?? artist.name;
    if (seen.has(id)) continue;
    seen.add(id);
    seeds.push({ type: 'artist', id });
  }
  return seeds;
}

/** A track of the history as a seed: the features it has (a missing one is NaN, as in the index). */
function toSeed(track: Track<never>): SeedInput {
  const values = new Float64Array(COLUMN_COUNT).fill(NaN);
  INDEX_COLUMNS.forEach((column, c) => {
    if (column !== 'popularity') values[c] = track[column] ?? NaN;
  });
  return { type: 'track', id: track.id ?? track.path ?? `tracks[${track.label}]`, values };
}
