import { AUDIO_FEATURES } from '../common/tracks';
import {
  audioFeatureVector,
  featuresReadBy,
  fitScaling,
  inputMatrix,
  LEGACY_MOOD_INPUTS,
  MOOD_INPUT_DEFINITIONS,
  scaleInto,
} from './mood-features';

const track = {
  danceability: 0.5,
  energy: 0.8,
  key: 3,
  loudness: -6,
  mode: 1,
  speechiness: 0.05,
  acousticness: 0.25,
  instrumentalness: 0,
  liveness: 0.1,
  valence: 0.4,
  tempo: 128,
  duration_ms: 200_000,
  time_signature: 4,
};

describe('mood inputs', () => {
  it('every input is computed only from audio features', () => {
    for (const definition of Object.values(MOOD_INPUT_DEFINITIONS)) {
      for (const feature of definition.from) expect(AUDIO_FEATURES).toContain(feature);
    }
  });

  it('computes named inputs, and NaN for an input whose feature is missing', () => {
    const [full, partial] = inputMatrix(
      [audioFeatureVector(track), audioFeatureVector({ ...track, key: null, tempo: undefined })],
      ['sqrt_acousticness', 'key_sin', 'tempo', 'tempo_band', 'duration_band'],
    );
    expect(full).toEqual([0.5, Math.sin(Math.PI / 2), 128, 4, 2]);
    expect(partial.slice(0, 3)).toEqual([0.5, Number.NaN, Number.NaN]);
  });

  it('names the audio features a set of inputs reads, each once, in AUDIO_FEATURES order', () => {
    expect(featuresReadBy(['key_sin', 'valence_plus_energy', 'key_cos', 'energy'])).toEqual([
      'energy',
      'key',
      'valence',
    ]);
    expect(featuresReadBy(LEGACY_MOOD_INPUTS)).toEqual([...AUDIO_FEATURES]);
  });

  it('keeps the 14 inputs of format-1 models', () => {
    expect(LEGACY_MOOD_INPUTS).toHaveLength(14);
    expect(inputMatrix([audioFeatureVector(track)], LEGACY_MOOD_INPUTS)[0]).toHaveLength(14);
  });

  it('standardises with the training rows, filling a missing input with their mean', () => {
    const scaling = fitScaling([[1], [3], [Number.NaN]]);
    expect(scaling).toEqual({ mean: [2], std: [1] });
    const { values, filled } = scaleInto([[3], [Number.NaN]], scaling);
    expect(Array.from(values)).toEqual([1, 0]);
    expect(filled).toEqual([[], [0]]);
  });
});
