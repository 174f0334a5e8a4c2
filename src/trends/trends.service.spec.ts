import { Test } from '@nestjs/testing';
import { parsedTrack } from '../../test/helpers/tracks';
import { typedMock } from '../../test/helpers/typed-mock';
import { ValidationFailedError } from '../common/errors';
import type { ParsedTracks, Track } from '../common/tracks';
import { TrendsQueryDto } from './dto/trends-query.dto';
import type { SeriesForecast, TimeSeries } from './prophet-engine';
import { ProphetPool } from './prophet-pool';
import { TREND_METRICS } from './trend-metrics';
import { TrendsService } from './trends.service';

const T0 = Date.parse('2023-08-10T15:47:50.611Z');

/** Track `row`, played `minutes` after T0 (no play time when undefined). */
function track(row: number, minutes: number | undefined, fields: Partial<Track> = {}): Track {
  return parsedTrack(row, {
    id: `track${row}`,
    playedAt: minutes === undefined ? undefined : new Date(T0 + minutes * 60_000),
    ...fields,
  });
}

function query(overrides: Partial<TrendsQueryDto> = {}): TrendsQueryDto {
  return Object.assign(new TrendsQueryDto(), overrides);
}

/**
 * TrendsService on a pool double that records each series it is asked to fit and answers with
 * `forecast`, built through Nest's testing module.
 */
async function serviceWith(
  forecast: (series: TimeSeries, future: number[], width?: number) => SeriesForecast,
) {
  const calls: { series: TimeSeries; future: number[]; width?: number }[] = [];
  const pool = {
    forecastAll: typedMock<ProphetPool['forecastAll']>((all, future, width) => {
      const forecasts = all.map((series) => {
        calls.push({ series, future, width });
        return forecast(series, future, width);
      });
      return Promise.resolve(forecasts);
    }),
  };
  const moduleRef = await Test.createTestingModule({
    providers: [TrendsService, { provide: ProphetPool, useValue: pool }],
  }).compile();
  return { service: moduleRef.get(TrendsService), pool, calls };
}

const lastValue = (series: TimeSeries, future: number[]): SeriesForecast => {
  const value = series.y[series.y.length - 1];
  return { yhat: future.map(() => value), trend: future.map(() => value) };
};

describe('TrendsService', () => {
  it('fits every metric on the tracks in play order, with times as epoch seconds', async () => {
    const { service, calls } = await serviceWith(lastValue);
    const parsed: ParsedTracks = {
      tracks: [
        track(0, 2, { tempo: 130 }),
        track(1, 0, { tempo: 110 }),
        track(2, 1, { tempo: 120 }),
      ],
      skipped: [],
    };
    await service.forecastTargets(parsed, query());

    expect(calls.map((call) => call.series.y)).toHaveLength(TREND_METRICS.length);
    const tempo = calls[TREND_METRICS.indexOf('tempo')];
    expect(tempo.series.y).toEqual([110, 120, 130]);
    const first = Math.round(T0 / 1000);
    expect(tempo.series.ds).toEqual([first, first + 60, first + 120]);
  });

  it('forecasts `periods` steps of `freq` beyond the last play and takes the last step', async () => {
    const { service, calls } = await serviceWith((series, future) => ({
      yhat: future.map((_, i) => i / 100),
      trend: future.map(() => 0),
    }));
    const parsed = { tracks: [track(0, 0), track(1, 1)], skipped: [] };
    const result = await service.forecastTargets(parsed, query({ periods: 3, freq: '30s' }));

    const last = Math.round(T0 / 1000) + 60;
    expect(calls[0].future).toEqual([last + 30, last + 60, last + 90]);
    expect(result.metrics.danceability).toBeCloseTo(0.02);
    expect(result.horizon).toEqual({
      periods: 3,
      freq: '30s',
      step_seconds: 30,
      last_played_at: new Date(T0 + 60_000).toISOString(),
      target_time: new Date(T0 + 60_000 + 90_000).toISOString(),
    });
  });

  it.each([
    ['danceability', 1.7, 1],
    ['danceability', -0.3, 0],
    ['mode', 1.4, 1],
    ['loudness', 4, 0],
    ['loudness', -75, -60],
    ['tempo', 250, 200],
    ['tempo', -5, 0],
    ['duration_ms', 12_000_000, 10_800_000],
    ['duration_ms', -100, 0],
    ['valence', 0.42, 0.42],
  ] as const)('clamps %s = %d to %d', async (metric, forecast, expected) => {
    const { service } = await serviceWith((_series, future) => ({
      yhat: future.map(() => forecast),
      trend: [],
    }));
    const result = await service.forecastTargets(
      { tracks: [track(0, 0), track(1, 1)], skipped: [] },
      query(),
    );
    expect(result.metrics[metric]).toBe(expected);
  });

  it('builds a Spotify query: up to five most recent distinct ids, newest first, integer mode', async () => {
    const { service } = await serviceWith((series, future) => {
      const value = series.y[series.y.length - 1];
      return { yhat: future.map(() => value + 0.123456), trend: [] };
    });
    const tracks = [0, 1, 2, 3, 4, 5, 6].map((i) =>
      track(i, i, { id: `id${i}`, mode: 0.4, tempo: 120, duration_ms: 200_000 }),
    );
    tracks[6].id = 'id5'; // played twice
    tracks[3].id = undefined;
    const result = await service.forecastTargets({ tracks, skipped: [] }, query());

    expect(result.spotify_query.seed_tracks).toBe('id5,id4,id2,id1,id0');
    expect(result.spotify_query.target_mode).toBe(1); // 0.4 + 0.123 → 0.52 → 1
    expect(result.spotify_query.target_tempo).toBe(120.1235);
    expect(result.spotify_query.target_duration_ms).toBe(200_000);
    expect(Object.keys(result.spotify_query).filter((k) => k.startsWith('target_'))).toHaveLength(
      TREND_METRICS.length,
    );
  });

  it('leaves seed_tracks out when no track has an id', async () => {
    const { service } = await serviceWith(lastValue);
    const tracks = [track(0, 0, { id: undefined }), track(1, 1, { id: undefined })];
    const result = await service.forecastTargets({ tracks, skipped: [] }, query());
    expect(result.spotify_query).not.toHaveProperty('seed_tracks');
  });

  it.each([
    ['one track', [track(0, 0)]],
    ['two tracks, one without a play time', [track(0, 0), track(1, undefined)]],
    ['two tracks played at the same second', [track(0, 0), track(1, 0.001)]],
  ])('rejects %s with a 400 naming tracks', async (_name, tracks) => {
    const { service, pool } = await serviceWith(lastValue);
    let error: unknown;
    try {
      await service.forecastTargets({ tracks, skipped: [] }, query());
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect((error as ValidationFailedError).details).toEqual([
      expect.objectContaining({ path: 'tracks', message: expect.stringMatching(/at least two/) }),
    ]);
    expect(pool.forecastAll).not.toHaveBeenCalled();
  });

  it('fits on the tracks that have a play time and reports the others as skipped', async () => {
    const { service, calls } = await serviceWith(lastValue);
    const parsed: ParsedTracks = {
      tracks: [track(0, 0), track(1, undefined), track(3, 1)],
      skipped: [{ row: 2, reason: 'no audio features (Spotify: analysis not found)' }],
    };
    const result = await service.forecastTargets(parsed, query());

    expect(result.history).toBe(2);
    expect(calls[0].series.y).toHaveLength(2);
    expect(result.skipped).toEqual([
      { row: 1, id: 'track1', reason: 'no play time (played_at or ts)' },
      { row: 2, reason: 'no audio features (Spotify: analysis not found)' },
    ]);
  });

  it('passes the interval width to the pool and returns clamped bounds only when asked', async () => {
    const { service, calls } = await serviceWith((series, future) => ({
      yhat: future.map(() => 0.5),
      trend: [],
      lower: future.map(() => -0.2),
      upper: future.map(() => 0.9),
    }));
    const parsed = { tracks: [track(0, 0), track(1, 1)], skipped: [] };
    const withBounds = await service.forecastTargets(parsed, query({ interval: 0.9 }));
    expect(calls[0].width).toBe(0.9);
    expect(withBounds.intervals?.width).toBe(0.9);
    expect(withBounds.intervals?.lower.energy).toBe(0);
    expect(withBounds.intervals?.upper.energy).toBe(0.9);
    expect(withBounds.intervals?.lower.loudness).toBe(-0.2);

    const without = await (await serviceWith(lastValue)).service.forecastTargets(parsed, query());
    expect(without).not.toHaveProperty('intervals');
  });
});
