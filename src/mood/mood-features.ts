import { AUDIO_FEATURES, type AudioFeature, type AudioFeatures } from '../common/tracks';

/**
 * The network's inputs, derived from the 13 audio features. Chosen by measurement on playlists the
 * model never saw (README, "Mood"): skewed features on a log or square-root scale, 4/4 time as a
 * flag, the others as they are, and `key` as a point on the circle of fifths' clock (so 11 sits
 * next to 0), last. Every input is then standardised with the training set's mean and standard
 * deviation, which travel with the model. The order is part of every saved model: append, never
 * reorder.
 */
const RESCALED: Partial<Record<AudioFeature, { input: string; value: (x: number) => number }>> = {
  speechiness: { input: 'log_speechiness', value: (x) => Math.log(x + 0.01) },
  acousticness: { input: 'sqrt_acousticness', value: (x) => Math.sqrt(x) },
  instrumentalness: { input: 'log10_instrumentalness', value: (x) => Math.log10(x + 1e-4) },
  liveness: { input: 'log_liveness', value: (x) => Math.log(x + 0.01) },
  duration_ms: { input: 'log_duration_s', value: (ms) => Math.log(ms / 1000) },
  time_signature: { input: 'four_four_time', value: (beats) => (beats === 4 ? 1 : 0) },
};
const READ_IN_ORDER = AUDIO_FEATURES.filter((feature) => feature !== 'key');

export const MOOD_INPUTS: readonly string[] = [
  ...READ_IN_ORDER.map((feature) => RESCALED[feature]?.input ?? feature),
  'key_sin',
  'key_cos',
];

export function engineerFeatures(track: AudioFeatures): number[] {
  const inputs = READ_IN_ORDER.map((feature) => {
    const rescaled = RESCALED[feature];
    return rescaled ? rescaled.value(track[feature]) : track[feature];
  });
  const hasKey = track.key >= 0;
  const angle = (2 * Math.PI * track.key) / 12;
  inputs.push(hasKey ? Math.sin(angle) : 0, hasKey ? Math.cos(angle) : 0);
  return inputs;
}

/** Per-input mean and standard deviation of the training set. */
export interface FeatureScaling {
  mean: number[];
  std: number[];
}

export function fitScaling(rows: number[][]): FeatureScaling {
  const width = rows[0].length;
  const mean = new Array<number>(width).fill(0);
  const variance = new Array<number>(width).fill(0);
  for (const row of rows) row.forEach((value, j) => (mean[j] += value / rows.length));
  for (const row of rows)
    row.forEach((value, j) => (variance[j] += (value - mean[j]) ** 2 / rows.length));
  // A constant input (std 0) is centred and left at 0 rather than divided by zero.
  return { mean, std: variance.map((v) => Math.sqrt(v) || 1) };
}

export function applyScaling(rows: number[][], scaling: FeatureScaling): number[][] {
  return rows.map((row) => row.map((value, j) => (value - scaling.mean[j]) / scaling.std[j]));
}
