import fc from 'fast-check';
import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
  type AudioFeatureRule,
  type AudioFeatures,
  type Track,
} from '../../src/common/tracks';

/** Every audio feature at a typical value: each rule's documented example. */
export const TYPICAL_FEATURES = Object.fromEntries(
  AUDIO_FEATURES.map((feature) => [feature, AUDIO_FEATURE_RULES[feature].example]),
) as AudioFeatures;

/** A track as a client sends it (a Spotify audio-features object): typical features, then `fields`. */
export function trackBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...TYPICAL_FEATURES, ...fields };
}

/** A track as the tracks pipe hands it to a service: row `row` with typical features, then `fields`. */
export function parsedTrack(row: number, fields: Partial<Track> = {}): Track {
  return { row, label: String(row), ...TYPICAL_FEATURES, ...fields };
}

/** Where real tracks lie: the rule's `typical` range, else its whole range. */
const realRange = ({ min, max, typical }: AudioFeatureRule) => typical ?? ([min, max] as const);

/** Every feature drawn uniformly from where real tracks lie, with `random` (e.g. seededRandom). */
export function randomFeatures(random: () => number): AudioFeatures {
  return Object.fromEntries(
    AUDIO_FEATURES.map((feature) => {
      const rule = AUDIO_FEATURE_RULES[feature];
      if (rule.values) return [feature, rule.values[Math.floor(random() * rule.values.length)]];
      const [low, high] = realRange(rule);
      const value = low + random() * (high - low);
      return [feature, rule.integer ? Math.round(value) : value];
    }),
  ) as AudioFeatures;
}

/** fast-check's features: each from where real tracks lie, whole numbers for integer features. */
export const arbitraryFeatures = fc.record(
  Object.fromEntries(
    AUDIO_FEATURES.map((feature) => {
      const rule = AUDIO_FEATURE_RULES[feature];
      const [min, max] = realRange(rule);
      const arbitrary = rule.values
        ? fc.constantFrom(...rule.values)
        : rule.integer
          ? fc.integer({ min, max })
          : fc.double({ min, max, noNaN: true });
      return [feature, arbitrary];
    }),
  ) as Record<keyof AudioFeatures, fc.Arbitrary<number>>,
);
