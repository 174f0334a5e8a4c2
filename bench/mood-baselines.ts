/**
 * The models eval:mood compares the mood model with. Each is fitted on a fold's training rows only;
 * none looks at the held-out playlist. Inputs are computed from the same audio-feature vectors.
 */
import { groupedFolds, type LabelledRow } from '../src/mood/mood-dataset-split';
import { argmax } from '../src/common/numeric';
import {
  fitScaling,
  inputMatrix,
  LEGACY_MOOD_INPUTS,
  type MoodInputName,
  scaleInto,
} from '../src/mood/mood-features';
import { type NetworkOptions, toLayersModel, trainMembers } from '../src/mood/model/mlp-ensemble';
import * as tf from '@tensorflow/tfjs';

export interface FittedBaseline {
  predict(vectors: number[][]): number[][];
  /** What was chosen inside the training rows (e.g. k), for the results JSON. */
  choice?: unknown;
}

export interface Baseline {
  name: string;
  description: string;
  fit(rows: LabelledRow[], moods: number): Promise<FittedBaseline>;
}

/**
 * The original service's network, replicated: its inputs (seven 0–1 and dB features plus tempo and
 * duration bands, unscaled), Dense(moods, relu) → Dense(2·moods, relu) → Dense(moods, softmax),
 * Adam at Keras' default 0.001, batch 200, 300 epochs, no early stopping, no class weights. (It
 * trained on a random 80 % of its data; here it gets all the fold's training rows.)
 */
const ORIGINAL_INPUTS: MoodInputName[] = [
  'danceability',
  'energy',
  'loudness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo_band',
  'duration_band',
];

/** What both network baselines share: one network, 300 epochs, none of the mood model's aids. */
const PLAIN_TRAINING = {
  heads: 1,
  dropout: 0,
  labelSmoothing: 0,
  balanceClasses: false,
  maxEpochs: 300,
  patience: 0,
  seed: 1,
} satisfies Partial<NetworkOptions>;

const originalNetwork: Baseline = {
  name: 'original network',
  description:
    '9 unscaled inputs (danceability energy loudness acousticness instrumentalness liveness valence + tempo and duration bands), 8→16→8, Adam 0.001, batch 200, 300 epochs',
  fit: (rows, moods) =>
    Promise.resolve(
      fitNetwork(rows, moods, ORIGINAL_INPUTS, false, {
        ...PLAIN_TRAINING,
        hidden: [moods, 2 * moods],
        learningRate: 0.001,
        l2: 0,
        batchSize: 200,
      }),
    ),
};

/** Multinomial logistic regression: a network without a hidden layer, L2 as scikit-learn's default C = 1. */
const logisticRegression: Baseline = {
  name: 'logistic regression',
  description:
    'multinomial, 14 standardised inputs, L2 = 1/(2·C·n) with C = 1, full-batch Adam 0.05, 300 epochs',
  fit: (rows, moods) =>
    Promise.resolve(
      fitNetwork(rows, moods, LEGACY_MOOD_INPUTS, true, {
        ...PLAIN_TRAINING,
        hidden: [],
        learningRate: 0.05,
        l2: 1 / (2 * rows.length),
        batchSize: 0,
      }),
    ),
};

function fitNetwork(
  rows: LabelledRow[],
  moods: number,
  inputs: readonly MoodInputName[],
  standardise: boolean,
  options: NetworkOptions,
): FittedBaseline {
  const matrix = inputMatrix(
    rows.map((row) => row.inputs),
    inputs,
  );
  const scaling = standardise
    ? fitScaling(matrix)
    : { mean: inputs.map(() => 0), std: inputs.map(() => 1) };
  const trained = trainMembers(
    {
      x: scaleInto(matrix, scaling).values,
      width: inputs.length,
      labels: rows.map((row) => row.label),
      moods,
    },
    [{ train: rows.map((_, i) => i), validation: [] }],
    options,
  );
  return {
    predict: (vectors) => {
      const network = toLayersModel(trained.weights[0], 1);
      const x = scaleInto(inputMatrix(vectors, inputs), scaling).values;
      const out = tf.tidy(() =>
        (
          network.predict(tf.tensor2d(x, [vectors.length, inputs.length])) as tf.Tensor2D
        ).arraySync(),
      );
      network.dispose();
      return out;
    },
  };
}

/**
 * k nearest neighbours on the 14 standardised inputs; probabilities are neighbour shares (with a
 * half-count prior per mood). k is chosen among 5, 15, 45, 135 by 5-fold cross-validation grouped
 * by playlist inside the training rows (log-loss).
 */
const nearestNeighbours: Baseline = {
  name: 'k-NN',
  description:
    'k nearest neighbours, 14 standardised inputs, k ∈ {5, 15, 45, 135} chosen by inner grouped 5-fold CV',
  fit: (rows, moods) => {
    const matrix = inputMatrix(
      rows.map((row) => row.inputs),
      LEGACY_MOOD_INPUTS,
    );
    const scaling = fitScaling(matrix);
    const width = LEGACY_MOOD_INPUTS.length;
    const x = scaleInto(matrix, scaling).values;
    const labels = rows.map((row) => row.label);
    const candidates = [5, 15, 45, 135];
    const inner = groupedFolds(rows, 5, 1).folds;
    const losses = candidates.map(() => 0);
    for (const fold of inner) {
      for (const i of fold.test) {
        const order = neighbours(x, width, fold.train, x.subarray(i * width, (i + 1) * width));
        candidates.forEach((k, c) => {
          const p = shares(order.slice(0, k), labels, moods);
          losses[c] -= Math.log(p[labels[i]]);
        });
      }
    }
    const k = candidates[argmax(losses.map((loss) => -loss))];
    const all = rows.map((_, i) => i);
    return Promise.resolve({
      choice: { k },
      predict: (vectors) => {
        const query = scaleInto(inputMatrix(vectors, LEGACY_MOOD_INPUTS), scaling).values;
        return vectors.map((_, q) =>
          shares(
            neighbours(x, width, all, query.subarray(q * width, (q + 1) * width)).slice(0, k),
            labels,
            moods,
          ),
        );
      },
    });
  },
};

/** Candidate row indices sorted by Euclidean distance to `point`. */
function neighbours(
  x: Float32Array,
  width: number,
  candidates: number[],
  point: Float32Array,
): number[] {
  const distance = new Float64Array(candidates.length);
  candidates.forEach((row, c) => {
    let sum = 0;
    for (let j = 0; j < width; j++) sum += (x[row * width + j] - point[j]) ** 2;
    distance[c] = sum;
  });
  return candidates
    .map((row, c) => ({ row, d: distance[c] }))
    .sort((a, b) => a.d - b.d)
    .map((entry) => entry.row);
}

function shares(rows: number[], labels: number[], moods: number): number[] {
  const counts = new Array<number>(moods).fill(0.5);
  for (const row of rows) counts[labels[row]]++;
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => c / total);
}

export const BASELINES: Baseline[] = [originalNetwork, logisticRegression, nearestNeighbours];
