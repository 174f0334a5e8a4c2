import * as tf from '@tensorflow/tfjs';
import { seededRandom, shuffled } from '../../common/numeric';

/** How the small feed-forward networks of a mood model are shaped and trained. */
export interface NetworkOptions {
  /** Widths of the hidden ReLU layers. */
  hidden: number[];
  /** Networks per member, averaged in logit space (an ensemble). */
  heads: number;
  learningRate: number;
  /** L2 penalty on every kernel. */
  l2: number;
  dropout: number;
  /** Share of each target spread evenly over all moods: playlist labels are noisy per track. */
  labelSmoothing: number;
  /** Rows per gradient step; 0 trains on every row at once (full batch). */
  batchSize: number;
  /** Weight rows so that every mood counts the same in the loss, however rare. */
  balanceClasses: boolean;
  maxEpochs: number;
  /** Epochs without a better mean validation loss before training stops; 0 never stops early. */
  patience: number;
  seed: number;
}

/** One model trained side by side with others: its training rows and validation rows. */
export interface Member {
  train: number[];
  validation: number[];
}

export interface EpochRecord {
  epoch: number;
  /**
   * Mean over members of the (unsmoothed, class-weighted) cross-entropy and accuracy on their
   * training rows, from the epoch's last gradient step (dropout active, as Keras reports them).
   */
  loss: number;
  accuracy: number;
  /** Same on the validation rows (no dropout), where members have them. */
  val_loss: number | null;
  val_accuracy: number | null;
}

/** One dense layer's parameters: kernel [inputs × units] row-major, bias [units]. */
export interface DenseWeights {
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  units: number;
}

export interface TrainedMembers {
  /** The epoch whose weights were kept (best mean validation loss, or the last). */
  bestEpoch: number;
  epochsRun: number;
  history: EpochRecord[];
  /** Per member, per head, its layers. */
  weights: DenseWeights[][][];
  /** Per member: logits (averaged over heads) of its validation rows, row-major [rows × moods]. */
  validationLogits: Float32Array[];
}

export interface TrainingData {
  /** Standardised inputs, row-major [rows × width]. */
  x: Float32Array;
  width: number;
  labels: number[];
  moods: number;
}

/**
 * Trains several members (e.g. the k models of a cross-validation) side by side on one set of
 * rows, each on its own training rows, with one early-stopping decision on their mean validation
 * loss: one epoch count, chosen without looking at anything outside the rows given.
 */
export function trainMembers(
  data: TrainingData,
  members: Member[],
  options: NetworkOptions,
  onEpoch?: (record: EpochRecord) => void,
): TrainedMembers {
  const rows = data.labels.length;
  const sizes = [data.width, ...options.hidden, data.moods];
  const random = seededRandom(options.seed);
  const networks = members.map((_, m) =>
    Array.from({ length: Math.max(1, options.heads) }, (__, h) =>
      sizes.slice(1).map((units, l) => ({
        kernel: tf.variable(
          glorot(sizes[l], units, options.seed * 1000 + m * 100 + h * 10 + l),
          true,
        ),
        bias: tf.variable(tf.zeros([units]), true),
      })),
    ),
  );
  const variables = networks.flat(2).flatMap((layer) => [layer.kernel, layer.bias]);
  const x = tf.tensor2d(data.x, [rows, data.width]);
  const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), data.moods).toFloat();
  const smoothed = tf.tidy(() =>
    y.mul(1 - options.labelSmoothing).add(options.labelSmoothing / data.moods),
  );
  const trainWeights = tf.tensor2d(
    members.map((member) => rowWeights(member.train, data, options.balanceClasses)),
  );
  const validationWeights = tf.tensor2d(
    members.map((member) => rowWeights(member.validation, data, options.balanceClasses)),
  );
  const hasValidation = members.every((member) => member.validation.length > 0);
  const optimizer = tf.train.adam(options.learningRate);
  const forward = (network: (typeof networks)[0][0], input: tf.Tensor2D, dropoutSeed?: number) =>
    network.reduce((h, layer, l) => {
      const z = tf.add(tf.matMul(h, layer.kernel), layer.bias);
      if (l === network.length - 1) return z;
      const a = tf.relu(z);
      return dropoutSeed !== undefined && options.dropout > 0
        ? tf.dropout(a, options.dropout, undefined, dropoutSeed + l)
        : a;
    }, input as tf.Tensor) as tf.Tensor2D;
  /** Logits of every member (averaged over its heads) for every row: [members, rows, moods]. */
  /** Each member's validation rows, gathered once: measuring an epoch forwards only those. */
  const validation = members.map((member) => {
    const index = tf.tensor1d(member.validation, 'int32');
    const gathered = {
      x: tf.gather(x, index),
      y: tf.gather(y, index),
      w: tf.gather(validationWeights, index, 1).slice([members.indexOf(member), 0], [1, -1]),
    };
    index.dispose();
    return gathered;
  });
  /** Logits of one member (averaged over its heads) for `input`. */
  const memberLogits = (m: number, input: tf.Tensor2D) =>
    tf.mean<tf.Tensor2D>(tf.stack(networks[m].map((network) => forward(network, input))), 0);
  /** Training loss and accuracy per member from the last gradient step, as Keras reports them. */
  let trainStats: tf.Tensor | undefined;

  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestValues: tf.Tensor[] | undefined;
  let epochsRun = 0;
  const history: EpochRecord[] = [];
  const all = Array.from({ length: rows }, (_, i) => i);
  try {
    for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
      const batches =
        options.batchSize > 0 ? chunks(shuffled(all, random), options.batchSize) : [null];
      batches.forEach((batch, b) => {
        const seed = options.seed + epoch * 7919 + b * 31;
        optimizer.minimize(
          () =>
            tf.tidy(() => {
              const index = batch ? tf.tensor1d(batch, 'int32') : null;
              const input = index ? tf.gather(x, index) : x;
              const target = index ? tf.gather(smoothed, index) : smoothed;
              const weights = index ? tf.gather(trainWeights, index, 1) : trainWeights;
              const stats: tf.Tensor[] = [];
              const losses = networks.flatMap((heads, m) => {
                const w = weights.slice([m, 0], [1, -1]).reshape([-1]);
                const total = index ? tf.maximum(w.sum(), 1e-8) : tf.scalar(1);
                const logits = heads.map((network, h) =>
                  forward(network, input, seed + m * 997 + h * 101),
                );
                stats.push(weightedFit(tf.mean(tf.stack(logits), 0), truth(index), w));
                return logits.map((z) => {
                  const ce = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(z)), 1));
                  return tf.div(tf.sum(tf.mul(ce, w)), total);
                });
              });
              tf.dispose(trainStats);
              trainStats = tf.keep(tf.stack(stats));
              const penalty =
                options.l2 > 0
                  ? tf.mul(
                      options.l2,
                      tf.addN(networks.flat(2).map((l) => tf.sum(tf.square(l.kernel)))),
                    )
                  : tf.scalar(0);
              return tf.add<tf.Scalar>(tf.addN(losses), penalty);
            }),
          false,
          variables,
        );
      });
      epochsRun = epoch;
      const record = measure(epoch);
      history.push(record);
      onEpoch?.(record);
      if (!hasValidation || options.patience <= 0) continue;
      if (record.val_loss! < best - 1e-4) {
        best = record.val_loss!;
        bestEpoch = epoch;
        tf.dispose(bestValues);
        bestValues = variables.map((v) => v.clone());
      } else if (epoch - bestEpoch >= options.patience) {
        break;
      }
    }
    if (bestValues) variables.forEach((v, i) => v.assign(bestValues![i]));
    else bestEpoch = epochsRun;

    const validationLogits = members.map((member, m) =>
      member.validation.length
        ? (tf.tidy(() => memberLogits(m, validation[m].x).dataSync()) as Float32Array)
        : new Float32Array(0),
    );
    const weights = networks.map((heads) =>
      heads.map((network) =>
        network.map((layer) => ({
          kernel: layer.kernel.dataSync() as Float32Array,
          bias: layer.bias.dataSync() as Float32Array,
          inputs: layer.kernel.shape[0],
          units: layer.kernel.shape[1],
        })),
      ),
    );
    return { bestEpoch, epochsRun, history, weights, validationLogits };
  } finally {
    tf.dispose([x, y, smoothed, trainWeights, validationWeights, ...variables]);
    tf.dispose(validation.flatMap((v) => [v.x, v.y, v.w]));
    tf.dispose([trainStats, ...(bestValues ?? [])]);
    optimizer.dispose();
  }

  /** Labels of the rows in a step: all rows, or one batch. */
  function truth(index: tf.Tensor1D | null): tf.Tensor {
    return index ? tf.gather(y, index) : y;
  }

  function measure(epoch: number): EpochRecord {
    const [trainLoss, trainAcc, valLoss, valAcc] = tf.tidy(() => {
      const training = tf.mean(trainStats!, 0);
      const validated = hasValidation
        ? tf.mean(
            tf.stack(
              members.map((_, m) =>
                weightedFit(
                  memberLogits(m, validation[m].x),
                  validation[m].y,
                  validation[m].w.reshape([-1]),
                ),
              ),
            ),
            0,
          )
        : tf.zeros([2]);
      return tf.concat([training, validated]).dataSync();
    });
    return {
      epoch,
      loss: round(trainLoss),
      accuracy: round(trainAcc),
      val_loss: hasValidation ? round(valLoss) : null,
      val_accuracy: hasValidation ? round(valAcc) : null,
    };
  }
}

/** [cross-entropy, accuracy] of logits against one-hot labels, weighted per row. */
function weightedFit(logits: tf.Tensor, labels: tf.Tensor, weights: tf.Tensor): tf.Tensor {
  const total = tf.maximum(tf.sum(weights), 1e-8);
  const ce = tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1));
  const hit = tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1)).toFloat();
  return tf.stack([
    tf.div(tf.sum(tf.mul(ce, weights)), total),
    tf.div(tf.sum(tf.mul(hit, weights)), total),
  ]);
}

/** Per-row weights of one member, summing to 1 over its rows (0 elsewhere). */
function rowWeights(rows: number[], data: TrainingData, balance: boolean): number[] {
  const weights = new Array<number>(data.labels.length).fill(0);
  const counts = new Array<number>(data.moods).fill(0);
  for (const i of rows) counts[data.labels[i]]++;
  const present = counts.filter((c) => c > 0).length;
  for (const i of rows) {
    weights[i] = balance ? 1 / (present * counts[data.labels[i]]) : 1 / rows.length;
  }
  return weights;
}

function glorot(inputs: number, units: number, seed: number): tf.Tensor2D {
  const limit = Math.sqrt(6 / (inputs + units));
  return tf.randomUniform<tf.Rank.R2>([inputs, units], -limit, limit, 'float32', seed);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const round = (value: number): number => Math.round(value * 10000) / 10000;

/**
 * The trained heads of one member as a standard TF.js layers model: each head's dense layers from
 * one input, their logits averaged, divided by the calibration temperature (folded into the last
 * layer's weights), then softmax. So the saved network outputs calibrated probabilities itself.
 */
export function toLayersModel(heads: DenseWeights[][], temperature: number): tf.LayersModel {
  const input = tf.input({ shape: [heads[0][0].inputs] });
  const created: Array<{ layer: tf.layers.Layer; weights: DenseWeights; scale: number }> = [];
  const outputs = heads.map((layers) =>
    layers.reduce((h, weights, l) => {
      const last = l === layers.length - 1;
      const layer = tf.layers.dense({ units: weights.units, activation: last ? 'linear' : 'relu' });
      created.push({ layer, weights, scale: last ? 1 / temperature : 1 });
      return layer.apply(h) as tf.SymbolicTensor;
    }, input),
  );
  const averaged =
    outputs.length === 1 ? outputs[0] : (tf.layers.average().apply(outputs) as tf.SymbolicTensor);
  const probabilities = tf.layers.activation({ activation: 'softmax' }).apply(averaged);
  const model = tf.model({ inputs: input, outputs: probabilities as tf.SymbolicTensor });
  for (const { layer, weights, scale } of created) {
    tf.tidy(() =>
      layer.setWeights([
        tf.tensor2d(weights.kernel, [weights.inputs, weights.units]).mul(scale),
        tf.tensor1d(weights.bias).mul(scale),
      ]),
    );
  }
  return model;
}
