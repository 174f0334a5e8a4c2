import { readSharedJson } from '../../test/helpers/shared-data';
import { applyScaling, engineerFeatures } from './mood-features';
import { MoodEngine, NETWORK_HYPER_PARAMETERS } from './mood-engine';
import type { AudioFeatures } from '../common/tracks';

/** The real TensorFlow.js engine, on a slice of the shared dataset, with few epochs. */
describe('MoodEngine (real tfjs)', () => {
  const dataset =
    readSharedJson<Array<AudioFeatures & { tag: string; playlist: string; id: string }>>(
      'playlist_metrics.json',
    );
  const labels = ['Dream', 'Energy'];
  const usable = dataset.filter((row) => labels.includes(row.tag) && row.id);
  const rows = usable.map((row) => ({
    inputs: engineerFeatures(row),
    label: labels.indexOf(row.tag),
    id: row.id,
    playlist: row.playlist,
  }));
  const engine = new MoodEngine();

  beforeAll(async () => {
    await engine.useBackend('auto');
  });

  it('picks a backend: tfjs-node where installed, else wasm, else pure JS', () => {
    expect(['tensorflow', 'wasm', 'cpu']).toContain(engine.backend);
  });

  it('trains, reports held-out metrics, and round-trips through model.json + weights.bin', async () => {
    const progress: number[] = [];
    const trained = await engine.train(
      rows,
      labels,
      { ...NETWORK_HYPER_PARAMETERS, maxEpochs: 8, patience: 8, ensembleSize: 2, seed: 42 },
      (p) => progress.push(p.epoch),
    );
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(trained.epochsRun).toBe(8);
    expect(trained.metrics.evaluation).toBe('held_out_playlists');
    // Dream and Energy are easy to tell apart even after a few epochs.
    expect(trained.metrics.accuracy).toBeGreaterThan(0.7);

    const modelJson = JSON.parse(trained.artifact.modelJson);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(modelJson.userDefinedMetadata).toEqual(
      expect.objectContaining({ labels, aggregation: 'sum_log_probabilities', ensemble_size: 2 }),
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
    const viaTensorFlow = loaded.predictWithTensorFlow(
      applyScaling(sample.map(engineerFeatures), loaded.metadata.scaling),
    );
    first.forEach((p, i) =>
      p.forEach((value, j) => expect(value).toBeCloseTo(viaTensorFlow[i][j], 5)),
    );
    loaded.dispose();
    again.dispose();
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
