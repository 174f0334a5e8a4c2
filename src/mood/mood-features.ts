import type { AudioFeatures } from '../common/tracks';

/**
 * The network's inputs, derived from the 13 audio features. Chosen by measurement on playlists the
 * model never saw (README, "Mood"): skewed features on a log or square-root scale, `key` as a point
 * on the circle of fifths' clock (so 11 sits next to 0), 4/4 time as a flag. Every input is then
 * standardised with the training set's mean and standard deviation, which travel with the model.
 */
export const MOOD_INPUTS = [
  'danceability',
  'energy',
  'loudness',
  'mode',
  'log_speechiness',
  'sqrt_acousticness',
  'log10_instrumentalness',
  'log_liveness',
  'valence',
  'tempo',
  'log_duration_s',
  'four_four_time',
  'key_sin',
  'key_cos',
] as const;

export function engineerFeatures(track: AudioFeatures): number[] {
  const hasKey = track.key >= 0;
  const angle = (2 * Math.PI * track.key) / 12;
  return [
    track.danceability,
    track.energy,
    track.loudness,
    track.mode,
    Math.log(track.speechiness + 0.01),
    Math.sqrt(track.acousticness),
    Math.log10(track.instrumentalness + 1e-4),
    Math.log(track.liveness + 0.01),
    track.valence,
    track.tempo,
    Math.log(track.duration_ms / 1000),
    track.time_signature === 4 ? 1 : 0,
    hasKey ? Math.sin(angle) : 0,
    hasKey ? Math.cos(angle) : 0,
  ];
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
