import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../common/numeric';
import { compileForwardPass } from './dense-forward';
import { type DenseWeights, toLayersModel } from './model/mlp-ensemble';

/** Random rows from a fixed seed, so a failure repeats. */
function randomRows(count: number, width: number, seed: number): number[][] {
  return tf.tidy(
    () => tf.randomNormal([count, width], 0, 2, 'float32', seed).arraySync() as number[][],
  );
}

/** The forward pass's numbers against TensorFlow.js predict's, on the same rows. */
function expectSameAsPredict(network: tf.LayersModel, rows: number[][]): void {
  const forward = compileForwardPass(network);
  expect(forward).toBeDefined();
  const expected = tf.tidy(
    () => (network.predict(tf.tensor2d(rows)) as tf.Tensor).arraySync() as number[][],
  );
  const actual = forward!(rows.flat(), rows.length);
  expect(actual).toHaveLength(rows.length);
  actual.forEach((row, i) =>
    row.forEach((value, j) => expect(value).toBeCloseTo(expected[i][j], 5)),
  );
}

function ensemble(heads: number, activations: string[]): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const outputs = Array.from({ length: heads }, (_, head) => {
    let hidden = input;
    activations.forEach((activation, depth) => {
      hidden = tf.layers
        .dense({
          units: 5 + depth,
          activation: activation as 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 10 * head + depth }),
          biasInitializer: tf.initializers.randomNormal({ seed: 100 + head + depth }),
        })
        .apply(hidden) as tf.SymbolicTensor;
      hidden = tf.layers.dropout({ rate: 0.3 }).apply(hidden) as tf.SymbolicTensor;
    });
    return tf.layers
      .dense({
        units: 4,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 7 + head }),
      })
      .apply(hidden) as tf.SymbolicTensor;
  });
  const output =
    outputs.length === 1 ? outputs[0] : (tf.layers.average().apply(outputs) as tf.SymbolicTensor);
  return tf.model({ inputs: input, outputs: output });
}

describe('compileForwardPass', () => {
  it.each([
    ['one ReLU network', 1, ['relu']],
    ['an ensemble of three, averaged', 3, ['relu']],
    ['two hidden layers of other activations', 2, ['tanh', 'sigmoid']],
    ['a linear hidden layer', 1, ['linear']],
  ])('gives TensorFlow.js predict’s numbers for %s', (_, heads, activations) => {
    const network = ensemble(heads, activations);
    expectSameAsPredict(network, randomRows(50, 6, 3));
    network.dispose();
  });

  it.each([1, 3])(
    'gives TensorFlow.js predict’s numbers for the mood network of %i heads (logits averaged, then a softmax Activation layer)',
    (heads) => {
      const random = seededRandom(heads);
      const layer = (inputs: number, units: number): DenseWeights => ({
        inputs,
        units,
        kernel: Float32Array.from({ length: inputs * units }, () => random() * 2 - 1),
        bias: Float32Array.from({ length: units }, () => random() - 0.5),
      });
      const network = toLayersModel(
        Array.from({ length: heads }, () => [layer(6, 5), layer(5, 4)]),
        1.7,
      );
      expect(network.layers.map((l) => l.getClassName())).toContain('Activation');
      expectSameAsPredict(network, randomRows(50, 6, 5));
      network.dispose();
    },
  );

  it('declines a network with a layer it does not know, so the caller keeps TensorFlow.js', () => {
    const input = tf.input({ shape: [6] });
    const normalised = tf.layers.batchNormalization().apply(input) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(normalised);
    const network = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
    expect(compileForwardPass(network)).toBeUndefined();
    network.dispose();
  });
});
