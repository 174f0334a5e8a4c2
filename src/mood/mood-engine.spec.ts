import * as tf from '@tensorflow/tfjs';
import { readSharedJson } from '../../test/helpers/shared-data';
import type { AudioFeatures } from '../common/tracks';
import type { LabelledRow } from './mood-dataset-split';
import { LEGACY_MODEL_FORMAT, MoodEngine, saveArtifact } from './mood-engine';
import { type MoodHyperParameters, NETWORK_HYPER_PARAMETERS } from './model/train-mood-model';
import type { TrainingProgress } from './model/training-report';
import { audioFeatureVector, compileInputs, LEGACY_MOOD_INPUTS, scaleInto } from './mood-features';

/** The real TensorFlow.js engine, on a slice of the shared dataset, with few epochs. */
describe('MoodEngine (real tfjs)', () => {
  const dataset =
    readSharedJson<Array<AudioFeatures & { tag: string; playlist: string; id: string }>>(
      'playlist_metrics.json',
    );
  const labels = ['Dream', 'Energy'];
  const usable = dataset.filter((row) => labels.includes(row.tag) && row.id);
  const rows: LabelledRow[] = usable.map((row) => ({
    inputs: audioFeatureVector(row),
    label: labels.indexOf(row.tag),
    id: row.id,
    playlist: row.playlist,
  }));
  /** Small training through the same parameters a run takes: seconds, not minutes. */
  const small: MoodHyperParameters = {
    ...NETWORK_HYPER_PARAMETERS,
    maxEpochs: 6,
    patience: 6,
    ensembleSize: 2,
    folds: 3,
    seed: 42,
    candidates: ['core9'],
  };
  const engine = new MoodEngine();

  beforeAll(async () => {
    await engine.useBackend('auto');
  });

  it('picks a backend: tfjs-node where installed, else wasm, else pure JS', () => {
    expect(['tensorflow', 'wasm', 'cpu']).toContain(engine.backend);
  });

  it('cross-validates by playlist, reports each fold and the final fit, and round-trips', async () => {
    const progress: TrainingProgress[] = [];
    const trained = await engine.train(rows, labels, small, (p) => progress.push(p));
    const stages = progress.map((p) => `${p.stage}:${p.epoch}`);
    expect(stages.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6].map((e) => `cross_validation:${e}`));
    expect(progress[0]).toEqual(
      expect.objectContaining({ step: 1, steps: 2, candidate: 'core9', folds: 3, max_epochs: 6 }),
    );
    const finalFit = progress.filter((p) => p.stage === 'final_fit');
    expect(finalFit.length).toBe(trained.epochsRun);
    expect(finalFit.at(-1)).toEqual(expect.objectContaining({ step: 2, folds: 1 }));

    const metrics = trained.metrics;
    expect(metrics.evaluation).toBe('held_out_playlists');
    expect(metrics.cross_validation.folds).toBe(3);
    expect(metrics.cross_validation.per_fold).toHaveLength(3);
    expect(metrics.cross_validation.spread.accuracy).toEqual(
      expect.objectContaining({ mean: expect.any(Number), sd: expect.any(Number) }),
    );
    expect(metrics.cross_validation.pooled.tracks).toBe(rows.length);
    expect(metrics.cross_validation.pooled.confusion_matrix.labels).toEqual(labels);
    expect(Object.keys(metrics.cross_validation.pooled.per_mood)).toEqual(labels);
    // Dream and Energy are easy to tell apart even after a few epochs.
    expect(metrics.accuracy).toBeGreaterThan(0.7);
    expect(trained.trainingRows).toBe(rows.length);
    expect(trained.history?.cross_validation.core9).toHaveLength(6);
    expect(trained.history?.final_fit).toHaveLength(trained.epochsRun);

    const modelJson = JSON.parse(trained.artifact.modelJson);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(modelJson.userDefinedMetadata).toEqual(
      expect.objectContaining({
        labels,
        aggregation: 'calibrated_log_pool',
        ensemble_size: 2,
        temperature: metrics.model.temperature,
        set_calibration: metrics.model.set_calibration,
        training_rows: rows.length,
      }),
    );

    const loaded = await engine.load(trained.artifact);
    const again = await engine.load({
      modelJson: trained.artifact.modelJson,
      weights: new Uint8Array(Buffer.from(trained.artifact.weights)),
    });
    const sample = usable.slice(0, 5);
    const first = loaded.predict(sample);
    expect(first).toHaveLength(5);
    first.forEach((p) => expect(p[0] + p[1]).toBeCloseTo(1, 5));
    expect(again.predict(sample)).toEqual(first);
    // The loaded ensemble is answered by the plain forward pass, with TensorFlow.js's numbers.
    const { values } = scaleInto(
      sample.map(compileInputs(loaded.metadata.inputs)),
      loaded.metadata.scaling,
    );
    const viaTensorFlow = loaded.predictWithTensorFlow(values, sample.length);
    first.forEach((p, i) =>
      p.forEach((value, j) => expect(value).toBeCloseTo(viaTensorFlow[i][j], 5)),
    );
    loaded.dispose();
    again.dispose();
  });

  it('deploys a model fitted on every usable row, including a mood that cross-validation never trained on', async () => {
    // Mood B lives in one playlist only: the fold that scores it trains without any B, so only a
    // model that saw every row can recognise it.
    const mood = (label: number, playlist: string, centre: number): LabelledRow[] =>
      Array.from({ length: 30 }, (_, i) => ({
        inputs: audioFeatureVector({
          ...usable[i],
          valence: centre + (i % 5) * 0.01,
          energy: centre + (i % 3) * 0.01,
        }),
        label,
        playlist,
        id: `${playlist}-${i}`,
      }));
    const data = [...mood(0, 'a1', 0.1), ...mood(0, 'a2', 0.12), ...mood(1, 'b', 0.9)];
    const trained = await engine.train(data, ['A', 'B'], {
      ...small,
      maxEpochs: 40,
      patience: 40,
      learningRate: 0.05,
    });
    expect(trained.metrics.cross_validation.pooled.per_mood.B.recall).toBe(0);
    const loaded = await engine.load(trained.artifact);
    const b = loaded.predict([{ ...usable[0], valence: 0.9, energy: 0.9 }]);
    expect(b[0][1]).toBeGreaterThan(0.5);
    loaded.dispose();
  });

  it('fills a missing input with the training mean and names it', async () => {
    const trained = await engine.train(rows, labels, small);
    const loaded = await engine.load(trained.artifact);
    const { inputs, scaling } = loaded.metadata;
    const tempo = inputs.indexOf('tempo');
    expect(tempo).toBeGreaterThanOrEqual(0);
    const track = usable[3];
    const withoutTempo = { ...track, tempo: null };
    const atMean = { ...track, tempo: scaling.mean[tempo] };
    const predicted = loaded.predictTracks([withoutTempo, track]);
    expect(predicted.filled).toEqual([['tempo'], []]);
    expect(predicted.probabilities[0]).toEqual(loaded.predict([atMean])[0]);

    const listener = loaded.predictListener([withoutTempo, track, usable[4]]);
    expect(listener.tracks.map((t) => t.filled_features)).toEqual([['tempo'], [], []]);
    expect(listener.alternatives.map((a) => a.mood)).toEqual(
      labels.filter((label) => label !== listener.mood),
    );
    expect(listener.confidence + listener.alternatives[0].probability).toBeCloseTo(1, 5);
    expect(listener.probabilities[labels.indexOf(listener.mood)]).toBe(listener.confidence);
    loaded.dispose();
  });

  it('still loads and predicts with a model saved in format 1 (uncalibrated, 14 inputs)', async () => {
    const input = tf.input({ shape: [LEGACY_MOOD_INPUTS.length] });
    const output = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(input);
    const network = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
    const artifact = await saveArtifact(network, {
      format: LEGACY_MODEL_FORMAT,
      labels,
      inputs: [...LEGACY_MOOD_INPUTS],
      scaling: {
        mean: LEGACY_MOOD_INPUTS.map(() => 0),
        std: LEGACY_MOOD_INPUTS.map(() => 1),
      },
      aggregation: 'sum_log_probabilities',
      ensemble_size: 1,
    });
    network.dispose();
    const loaded = await engine.load(artifact);
    const perTrack = loaded.predict(usable.slice(0, 2));
    expect(perTrack).toHaveLength(2);
    // Format 1 combines by the geometric mean, as it always did.
    const listener = loaded.predictListener(usable.slice(0, 2));
    const geometric = [0, 1].map((j) => Math.sqrt(perTrack[0][j] * perTrack[1][j]));
    const total = geometric[0] + geometric[1];
    expect(listener.probabilities[0]).toBeCloseTo(geometric[0] / total, 5);
    loaded.dispose();
  });

  it('refuses an artifact that is not a mood model', async () => {
    await expect(
      engine.load({
        modelJson: JSON.stringify({ modelTopology: {}, weightsManifest: [] }),
        weights: new Uint8Array(),
      }),
    ).rejects.toThrow(/Not a mood model/);
  });
});
