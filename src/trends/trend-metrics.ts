import { UNIT_FEATURES } from '../common/tracks';

/** The audio features the service forecasts, in the seed's order. */
export const TREND_METRICS = [
  'danceability',
  'energy',
  'loudness',
  'mode',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
  'duration_ms',
] as const;

export type TrendMetric = (typeof TREND_METRICS)[number];

const THREE_HOURS_MS = 3 * 60 * 60 * 1000;

/** Valid range of each metric; forecasts are clamped to it, as the seed does. */
export const METRIC_RANGES: Record<TrendMetric, readonly [number, number]> = {
  ...(Object.fromEntries(UNIT_FEATURES.map((name) => [name, [0, 1]])) as Record<
    (typeof UNIT_FEATURES)[number],
    [number, number]
  >),
  mode: [0, 1],
  loudness: [-60, 0],
  tempo: [0, 200],
  duration_ms: [0, THREE_HOURS_MS],
};

export function clampToRange(metric: TrendMetric, value: number): number {
  const [low, high] = METRIC_RANGES[metric];
  return Math.min(high, Math.max(low, value));
}
