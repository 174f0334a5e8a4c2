import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  type AudioFeature,
  type TracksBodyOptions,
} from '../common/tracks';

/** Pitch class and beats per bar are categories, not quantities: they have no trend. */
type UntrendedFeature = 'key' | 'time_signature';
export type TrendMetric = Exclude<AudioFeature, UntrendedFeature>;

const UNTRENDED: readonly AudioFeature[] = ['key', 'time_signature'] satisfies UntrendedFeature[];

/** The audio features the service forecasts, in AUDIO_FEATURES order. */
export const TREND_METRICS: readonly TrendMetric[] = AUDIO_FEATURES.filter(
  (feature): feature is TrendMetric => !UNTRENDED.includes(feature),
);

/**
 * A listening history whose trend is forecast (by POST /metrics and POST /recommendations): every
 * track needs the features the service forecasts, `key` and `time_signature` may be absent.
 */
export const LISTENING_HISTORY: TracksBodyOptions<TrendMetric> = {
  // No smaller row limit than every listening body's: a whole export goes in one request, and the
  // trend is fitted on its latest plays (MAX_TREND_PLAYS).
  requiredFeatures: TREND_METRICS,
};

/**
 * Range each forecast is clamped to: where real tracks lie (the rule's `typical` range, e.g. loudness
 * −60…0 dB), else the rule's own bounds.
 */
export const METRIC_RANGES = Object.fromEntries(
  TREND_METRICS.map((metric) => {
    const rule = AUDIO_FEATURE_RULES[metric];
    return [metric, rule.typical ?? ([rule.min, rule.max] as const)];
  }),
) as Record<TrendMetric, readonly [number, number]>;

export function clampToRange(metric: TrendMetric, value: number): number {
  const [low, high] = METRIC_RANGES[metric];
  return Math.min(high, Math.max(low, value));
}
