import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors';
import { round } from '../common/numeric';
import { type ParsedTracks, resolvedOf, type SkippedRow, type Track } from '../common/tracks';
import { frequencySeconds, TrendsQueryDto } from './dto/trends-query.dto';
import type { TrendMetricsDto, TrendsResponseDto } from './dto/trends-response.dto';
import { ProphetPool } from './prophet-pool';
import { clampToRange, TREND_METRICS, TrendMetric } from './trend-metrics';

const MAX_SEED_TRACKS = 5;
const NO_PLAY_TIME = 'no play time (played_at or ts)';

/**
 * The most plays a trend is fitted on: the latest. A whole export holds tens of thousands, Prophet's
 * fit grows with them, and the next songs follow what was played lately, not a year ago.
 */
export const MAX_TREND_PLAYS = 500;

@Injectable()
export class TrendsService {
  constructor(private readonly prophetPool: ProphetPool) {}

  /**
   * The listener's trend: for each audio feature, Prophet fitted on the tracks in play order and
   * forecast `periods` steps of `freq` beyond the last play; the value at the last step, clamped to
   * the feature's range, is the target for the next songs. The fits run in the pool's worker
   * threads, off the event loop.
   */
  async forecastTargets(
    parsed: ParsedTracks<TrendMetric>,
    query: TrendsQueryDto,
  ): Promise<TrendsResponseDto> {
    const skipped: SkippedRow[] = [...parsed.skipped];
    const played: (Track<TrendMetric> & { playedAt: Date })[] = [];
    for (const track of parsed.tracks) {
      if (track.playedAt) played.push(track as Track<TrendMetric> & { playedAt: Date });
      else skipped.push({ row: track.row, id: track.id, reason: NO_PLAY_TIME });
    }
    // Stable sort: tracks played at the same second keep their order in the request.
    played.sort((a, b) => a.playedAt.getTime() - b.playedAt.getTime());
    if (played.length > MAX_TREND_PLAYS) played.splice(0, played.length - MAX_TREND_PLAYS);
    const ds = played.map((track) => Math.round(track.playedAt.getTime() / 1000));
    if (played.length < 2 || ds[0] === ds[ds.length - 1]) {
      throw ValidationFailedError.field(
        'tracks',
        `needs at least two tracks with distinct play times (played_at or ts) to fit a trend; got ${played.length} with a play time`,
      );
    }

    const stepSeconds = frequencySeconds(query.freq);
    const lastPlay = ds[ds.length - 1];
    const future = Array.from(
      { length: query.periods },
      (_, i) => lastPlay + (i + 1) * stepSeconds,
    );
    const at = future.length - 1;

    const forecasts = await this.prophetPool.forecastAll(
      TREND_METRICS.map((metric) => ({ ds, y: played.map((track) => track[metric]) })),
      future,
      query.interval,
    );
    const metrics = {} as Record<TrendMetric, number>;
    const lower = {} as Record<TrendMetric, number>;
    const upper = {} as Record<TrendMetric, number>;
    TREND_METRICS.forEach((metric, i) => {
      const forecast = forecasts[i];
      metrics[metric] = clampToRange(metric, forecast.yhat[at]);
      if (forecast.lower && forecast.upper) {
        lower[metric] = clampToRange(metric, forecast.lower[at]);
        upper[metric] = clampToRange(metric, forecast.upper[at]);
      }
    });

    const lastPlayedAt = played[played.length - 1].playedAt;
    const response: TrendsResponseDto = {
      metrics,
      horizon: {
        periods: query.periods,
        freq: query.freq,
        step_seconds: stepSeconds,
        last_played_at: lastPlayedAt.toISOString(),
        target_time: new Date(
          lastPlayedAt.getTime() + query.periods * stepSeconds * 1000,
        ).toISOString(),
      },
      history: played.length,
      spotify_query: spotifyQuery(played, metrics),
      skipped: skipped.sort((a, b) => a.row - b.row),
      resolved: resolvedOf(parsed),
    };
    if (query.interval !== undefined) {
      response.intervals = { width: query.interval, lower, upper };
    }
    return response;
  }
}

/**
 * Parameters for Spotify's GET /recommendations: the most recent distinct track ids as seeds (at most
 * five, newest first) and a `target_*` per metric; `target_mode` and `target_duration_ms` are integers.
 */
function spotifyQuery(
  playedInOrder: Track<TrendMetric>[],
  metrics: TrendMetricsDto,
): Record<string, string | number> {
  const seeds: string[] = [];
  for (let i = playedInOrder.length - 1; i >= 0 && seeds.length < MAX_SEED_TRACKS; i--) {
    const id = playedInOrder[i].id;
    if (id && !seeds.includes(id)) seeds.push(id);
  }
  const query: Record<string, string | number> = {};
  if (seeds.length > 0) query.seed_tracks = seeds.join(',');
  for (const metric of TREND_METRICS) {
    const value = metrics[metric];
    query[`target_${metric}`] =
      metric === 'mode' || metric === 'duration_ms' ? Math.round(value) : round(value);
  }
  return query;
}
