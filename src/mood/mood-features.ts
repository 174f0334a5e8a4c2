import { AUDIO_FEATURES, type AudioFeature } from '../common/tracks';

/**
 * A track's audio features as the mood model reads them. Any feature may be absent (null, undefined
 * or NaN): some sources lack `key` or `time_signature`, and the model fills a missing input with the
 * training mean and says so.
 */
export type MoodTrackFeatures = Partial<Record<AudioFeature, number | null>>;

/** One model input: the audio features it is computed from, and how. */
interface MoodInputDefinition {
  from: readonly AudioFeature[];
  /** Called only when every feature in `from` is present. */
  compute(track: Record<AudioFeature, number>): number;
}

const raw = (feature: AudioFeature): MoodInputDefinition => ({
  from: [feature],
  compute: (track) => track[feature],
});
const keyAngle = (key: number): number => (2 * Math.PI * key) / 12;

/**
 * Every input a mood model may use, by name. A saved model lists its inputs by these names, so a
 * model keeps predicting after the default input set changes. Skewed features sit on a log or
 * square-root scale; `key` is a point on a circle (11 next to 0); the valence–energy plane (the
 * circumplex of affect: happy is high/high, sad low/low, calm and angry the other corners) also as
 * its two diagonals.
 */
export const MOOD_INPUT_DEFINITIONS = {
  danceability: raw('danceability'),
  energy: raw('energy'),
  loudness: raw('loudness'),
  mode: raw('mode'),
  valence: raw('valence'),
  tempo: raw('tempo'),
  acousticness: raw('acousticness'),
  instrumentalness: raw('instrumentalness'),
  liveness: raw('liveness'),
  log_speechiness: { from: ['speechiness'], compute: (t) => Math.log(t.speechiness + 0.01) },
  sqrt_acousticness: { from: ['acousticness'], compute: (t) => Math.sqrt(t.acousticness) },
  log10_instrumentalness: {
    from: ['instrumentalness'],
    compute: (t) => Math.log10(t.instrumentalness + 1e-4),
  },
  log_liveness: { from: ['liveness'], compute: (t) => Math.log(t.liveness + 0.01) },
  log_duration_s: { from: ['duration_ms'], compute: (t) => Math.log(t.duration_ms / 1000) },
  four_four_time: { from: ['time_signature'], compute: (t) => (t.time_signature === 4 ? 1 : 0) },
  key_sin: { from: ['key'], compute: (t) => (t.key >= 0 ? Math.sin(keyAngle(t.key)) : 0) },
  key_cos: { from: ['key'], compute: (t) => (t.key >= 0 ? Math.cos(keyAngle(t.key)) : 0) },
  valence_plus_energy: { from: ['valence', 'energy'], compute: (t) => t.valence + t.energy },
  valence_minus_energy: { from: ['valence', 'energy'], compute: (t) => t.valence - t.energy },
  /** The original network's buckets: tempo in 5 bands (≤60, ≤90, ≤120, ≤150, faster). */
  tempo_band: {
    from: ['tempo'],
    compute: (t) => [60, 90, 120, 150].filter((edge) => t.tempo > edge).length + 1,
  },
  /** Duration in minutes (rounded to 0.1) in 4 bands: ≤2, ≤4, ≤6, longer. */
  duration_band: {
    from: ['duration_ms'],
    compute: (t) =>
      [2, 4, 6].filter((edge) => Math.round(t.duration_ms / 6000) / 10 > edge).length + 1,
  },
} satisfies Record<string, MoodInputDefinition>;

export type MoodInputName = keyof typeof MOOD_INPUT_DEFINITIONS;

/** The 14 inputs of models saved before input sets were chosen per run (artifact format 1). */
export const LEGACY_MOOD_INPUTS: readonly MoodInputName[] = [
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
];

/**
 * The audio features, in AUDIO_FEATURES order; NaN where the track lacks one. What a labelled row
 * carries into training: the trainer derives each candidate's inputs from it (inputMatrix).
 */
export function audioFeatureVector(track: MoodTrackFeatures): number[] {
  return AUDIO_FEATURES.map((feature) => {
    const value = track[feature];
    return typeof value === 'number' ? value : Number.NaN;
  });
}

/** A function from a track's features to the named inputs (NaN where a needed feature is missing). */
export function compileInputs(inputs: readonly string[]): (track: MoodTrackFeatures) => number[] {
  const definitions = inputs.map(definitionOf);
  return (track) =>
    definitions.map((definition) =>
      definition.from.every((feature) => Number.isFinite(track[feature]))
        ? definition.compute(track as Record<AudioFeature, number>)
        : Number.NaN,
    );
}

/** Computes named inputs from audio-feature vectors (see audioFeatureVector). */
export function inputMatrix(vectors: number[][], inputs: readonly string[]): number[][] {
  const inputsOf = compileInputs(inputs);
  const track: MoodTrackFeatures = {};
  return vectors.map((vector) => {
    AUDIO_FEATURES.forEach((feature, j) => (track[feature] = vector[j]));
    return inputsOf(track);
  });
}

/** The audio features a model with these inputs reads, in AUDIO_FEATURES order. */
export function featuresReadBy(inputs: readonly string[]): AudioFeature[] {
  const read = new Set(inputs.flatMap((name) => definitionOf(name).from));
  return AUDIO_FEATURES.filter((feature) => read.has(feature));
}

export function definitionOf(name: string): MoodInputDefinition {
  const definition = (MOOD_INPUT_DEFINITIONS as Record<string, MoodInputDefinition>)[name];
  if (!definition) throw new Error(`Unknown mood model input "${name}"`);
  return definition;
}

/** Per-input mean and standard deviation of the training rows (missing values left out). */
export interface FeatureScaling {
  mean: number[];
  std: number[];
}

export function fitScaling(rows: number[][]): FeatureScaling {
  const width = rows[0].length;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (let j = 0; j < width; j++) {
    const values = rows.map((row) => row[j]).filter(Number.isFinite);
    const m = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const variance = values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length);
    mean[j] = m;
    // A constant input (std 0) is centred and left at 0 rather than divided by zero.
    std[j] = Math.sqrt(variance) || 1;
  }
  return { mean, std };
}

/**
 * Standardises rows into one flat Float32Array (row-major), ready for a tensor. A missing input
 * becomes 0, i.e. the training mean; `filled` lists, per row, the indices of the inputs filled.
 */
export function scaleInto(
  rows: number[][],
  scaling: FeatureScaling,
  target = new Float32Array(rows.length * scaling.mean.length),
): { values: Float32Array; filled: number[][] } {
  const width = scaling.mean.length;
  const filled: number[][] = [];
  rows.forEach((row, i) => {
    const missing: number[] = [];
    for (let j = 0; j < width; j++) {
      const value = row[j];
      if (Number.isFinite(value)) {
        target[i * width + j] = (value - scaling.mean[j]) / scaling.std[j];
      } else {
        target[i * width + j] = 0;
        missing.push(j);
      }
    }
    filled.push(missing);
  });
  return { values: target, filled };
}
