import {
  AUDIO_FEATURE_RULES,
  AUDIO_FEATURES,
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
