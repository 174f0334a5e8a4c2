import * as tf from '@tensorflow/tfjs';
import type { TfBackendSetting } from '../config/environment';
import type { AudioFeatures } from '../common/tracks';
import { compileForwardPass, type ForwardPass } from './dense-forward';
import { type LabelledRow, splitForEvaluation } from './mood-dataset-split';
import { round, seededRandom, shuffled } from '../common/numeric';
import { evaluateSplit, type MoodSplitMetrics } from './mood-evaluation';
import {
  applyScaling,
  engineerFeatures,
  type FeatureScaling,
  fitScaling,
  MOOD_INPUTS,
} from './mood-features';

/** MOOD_TF_BACKEND: `auto` picks the first that loads of tfjs-node, wasm, pure JS. */
export type TfBackendPreference = TfBackendSetting;

export interface MoodHyperParameters {
  maxEpochs: number;
  /** Early stopping: epochs without a better validation loss before training stops. */
  patience: number;
  /** Small networks trained side by side in one graph; their probabilities are averaged. */
  ensembleSize: number;
  hiddenUnits: number;
  dropout: number;
  l2: number;
  batchSize: number;
  learningRate: number;
  validationFraction: number;
  seed: number;
}

/**
 * The network's shape and optimiser, chosen by measurement (README, "Mood"). Training length,
 * ensemble size and seed are settings (MOOD_MAX_EPOCHS, …: see mood.config.ts).
 */
export const NETWORK_HYPER_PARAMETERS: Omit<
  MoodHyperParameters,
  'maxEpochs' | 'patience' | 'ensembleSize' | 'seed'
> = {
  hiddenUnits: 32,
  dropout: 0.2,
  l2: 0.001,
  batchSize: 256,
  learningRate: 0.01,
  validationFraction: 0.15,
};

/** A saved model in the standard TF.js layers format: model.json text and weights.bin bytes. */
export interface MoodArtifact {
  modelJson: string;
  weights: Uint8Array;
}

export const WEIGHTS_FILE = 'weights.bin';
export const MODEL_FORMAT = 'spotify-recommender/mood-model@1';

/** What travels with the network in model.json's userDefinedMetadata: one artifact, no side files. */
export interface MoodModelMetadata {
  format: typeof MODEL_FORMAT;
  labels: string[];
  inputs: string[];
  scaling: FeatureScaling;
  aggregation: 'sum_log_probabilities';
  ensemble_size: number;
}

export interface MoodMetrics {
  /** Which split `accuracy` and `macro_f1` come from: held-out playlists where the data has them. */
  evaluation: 'held_out_playlists' | 'random_split';
  accuracy: number;
  macro_f1: number;
  listener_accuracy_10: number | null;
  held_out_playlists?: MoodSplitMetrics;
  random_split: MoodSplitMetrics;
}

export interface TrainingProgress {
  epoch: number;
  max_epochs: number;
  loss: number;
  val_loss: number;
}

export interface TrainedMoodModel {
  artifact: MoodArtifact;
  labels: string[];
  epochsRun: number;
  metrics: MoodMetrics;
  trainingRows: number;
}

/** A loaded network with its feature pipeline; predicts per-track mood probabilities. */
export class LoadedMoodModel {
  /** The network's arithmetic without TensorFlow.js's per-call overhead, where its layers allow. */
  private readonly forward: ForwardPass | undefined;

  constructor(
    private readonly network: tf.LayersModel,
    readonly metadata: MoodModelMetadata,
  ) {
    this.forward = compileForwardPass(network);
  }

  get labels(): string[] {
    return this.metadata.labels;
  }

  predict(tracks: AudioFeatures[]): number[][] {
    const inputs = applyScaling(tracks.map(engineerFeatures), this.metadata.scaling);
    if (this.forward) return this.forward(inputs);
    return this.predictWithTensorFlow(inputs);
  }

  /** TensorFlow.js's own predict: for layers the forward pass does not know, and to check it. */
  predictWithTensorFlow(inputs: number[][]): number[][] {
    return tf.tidy(() => {
      const output = this.network.predict(tf.tensor2d(inputs, [inputs.length, MOOD_INPUTS.length]));
      return (output as tf.Tensor2D).arraySync();
    });
  }

  dispose(): void {
    this.network.dispose();
  }
}

/**
 * Everything TensorFlow.js: backend choice, training, saving to and loading from the standard
 * model.json + weights.bin format. Used on the main thread (loading, predicting) and inside the
 * training worker (training); services mock this class in unit tests.
 */
export class MoodEngine {
  private backendName?: string;

  get backend(): string {
    return this.backendName ?? tf.getBackend();
  }

  /**
   * tfjs-node where it is installed (its native download may be impossible, so it is optional), else
   * the WebAssembly backend (measured faster than pure JS here), else pure JS.
   */
  async useBackend(preference: TfBackendPreference): Promise<string> {
    // Optional packages are imported by name at run time: tfjs-node may be absent.
    const load = (name: string) => () => import(name) as Promise<unknown>;
    const attempts: Array<{ name: string; load: () => Promise<unknown> }> = [
      { name: 'tensorflow', load: load('@tensorflow/tfjs-node') },
      { name: 'wasm', load: load('@tensorflow/tfjs-backend-wasm') },
      { name: 'cpu', load: () => Promise.resolve() },
    ];
    const order = preference === 'auto' ? attempts : attempts.filter((a) => a.name === preference);
    for (const attempt of [...order, attempts[2]]) {
      try {
        await attempt.load();
        if (await tf.setBackend(attempt.name)) {
          await tf.ready();
          this.backendName = attempt.name;
          return attempt.name;
        }
      } catch {
        // Not installed or not loadable here: try the next one.
      }
    }
    throw new Error('No TensorFlow.js backend could be initialised');
  }

  async load(artifact: MoodArtifact): Promise<LoadedMoodModel> {
    const modelJson = JSON.parse(artifact.modelJson) as tf.io.ModelJSON;
    const metadata = modelJson.userDefinedMetadata as unknown as MoodModelMetadata | undefined;
    if (metadata?.format !== MODEL_FORMAT) {
      throw new Error(`Not a mood model artifact (format ${String(metadata?.format)})`);
    }
    const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
    const weights = artifact.weights;
    const weightData = weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    ) as ArrayBuffer;
    const network = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }),
    );
    return new LoadedMoodModel(network, metadata);
  }

  /**
   * Trains on labelled rows: held-out splits for honest metrics (see splitForEvaluation), a
   * validation share of the rest for early stopping (best weights kept), class weights for rare
   * moods, standardised inputs, and an ensemble of small networks in one graph.
   */
  async train(
    rows: LabelledRow[],
    labels: string[],
    params: MoodHyperParameters,
    onProgress?: (progress: TrainingProgress) => void,
  ): Promise<TrainedMoodModel> {
    const split = splitForEvaluation(rows, params.seed);
    const random = seededRandom(params.seed + 1);
    const trainRows = shuffled(split.train, random);
    const validationCount = Math.max(1, Math.round(trainRows.length * params.validationFraction));
    const validation = trainRows.slice(0, validationCount);
    const fitting = trainRows.slice(validationCount);

    const scaling = fitScaling(trainRows.map((i) => rows[i].inputs));
    const scaled = applyScaling(
      rows.map((row) => row.inputs),
      scaling,
    );
    const heads = Math.max(1, params.ensembleSize);
    const classWeight = balancedClassWeights(
      fitting.map((i) => rows[i].label),
      labels.length,
    );

    const training = buildNetwork(MOOD_INPUTS.length, labels.length, params);
    const tensors = tf.tidy(() => {
      const oneHot = (idx: number[]) =>
        tf
          .oneHot(
            tf.tensor1d(
              idx.map((i) => rows[i].label),
              'int32',
            ),
            labels.length,
          )
          .toFloat();
      return {
        x: tf.tensor2d(
          fitting.map((i) => scaled[i]),
          [fitting.length, MOOD_INPUTS.length],
        ),
        y: oneHot(fitting),
        xVal: tf.tensor2d(
          validation.map((i) => scaled[i]),
          [validation.length, MOOD_INPUTS.length],
        ),
        yVal: oneHot(validation),
      };
    });

    let best = Number.POSITIVE_INFINITY;
    let bestWeights: tf.Tensor[] | undefined;
    let epochsWithoutGain = 0;
    let epochsRun = 0;
    try {
      await training.fit(tensors.x, new Array<tf.Tensor>(heads).fill(tensors.y), {
        epochs: params.maxEpochs,
        batchSize: params.batchSize,
        shuffle: true,
        verbose: 0,
        classWeight: new Array(heads).fill(classWeight) as tf.ClassWeight[],
        validationData: [tensors.xVal, new Array<tf.Tensor>(heads).fill(tensors.yVal)],
        callbacks: {
          onEpochEnd: (epoch, logs) => {
            epochsRun = epoch + 1;
            const valLoss = Number(logs?.val_loss);
            if (valLoss < best - 1e-4) {
              best = valLoss;
              bestWeights?.forEach((w) => w.dispose());
              bestWeights = training.getWeights().map((w) => w.clone());
              epochsWithoutGain = 0;
            } else if (++epochsWithoutGain >= params.patience) {
              training.stopTraining = true;
            }
            onProgress?.({
              epoch: epochsRun,
              max_epochs: params.maxEpochs,
              loss: round(Number(logs?.loss) / heads),
              val_loss: round(valLoss / heads),
            });
            return Promise.resolve();
          },
        },
      });
      if (bestWeights) training.setWeights(bestWeights);
    } finally {
      bestWeights?.forEach((w) => w.dispose());
      tf.dispose(Object.values(tensors));
    }

    const network =
      heads === 1
        ? training
        : tf.model({
            inputs: training.inputs,
            outputs: tf.layers.average().apply(training.outputs) as tf.SymbolicTensor,
          });
    const predict = (idx: number[]): number[][] =>
      idx.length === 0
        ? []
        : tf.tidy(() =>
            (
              network.predict(
                tf.tensor2d(
                  idx.map((i) => scaled[i]),
                  [idx.length, MOOD_INPUTS.length],
                ),
              ) as tf.Tensor2D
            ).arraySync(),
          );
    const evaluate = (idx: number[], grouping: (row: LabelledRow) => string) =>
      evaluateSplit(
        predict(idx),
        idx.map((i) => rows[i].label),
        labels,
        idx.map((i) => grouping(rows[i])),
        params.seed,
      );

    const randomSplit = evaluate(split.randomTest, (row) => String(row.label));
    const playlistSplit =
      split.heldOutPlaylists.length > 0
        ? {
            ...evaluate(split.heldOutPlaylists, (row) => row.playlist ?? ''),
            playlists: split.playlists,
          }
        : undefined;
    const headline = playlistSplit ?? randomSplit;
    const metadata: MoodModelMetadata = {
      format: MODEL_FORMAT,
      labels,
      inputs: [...MOOD_INPUTS],
      scaling,
      aggregation: 'sum_log_probabilities',
      ensemble_size: heads,
    };
    const artifact = await saveArtifact(network, metadata);
    training.dispose();
    return {
      artifact,
      labels,
      epochsRun,
      trainingRows: split.train.length,
      metrics: {
        evaluation: playlistSplit ? 'held_out_playlists' : 'random_split',
        accuracy: headline.accuracy,
        macro_f1: headline.macro_f1,
        listener_accuracy_10: headline.listener_accuracy_10,
        held_out_playlists: playlistSplit,
        random_split: randomSplit,
      },
    };
  }
}

function buildNetwork(inputs: number, moods: number, params: MoodHyperParameters): tf.LayersModel {
  const input = tf.input({ shape: [inputs] });
  const outputs: tf.SymbolicTensor[] = [];
  for (let head = 0; head < Math.max(1, params.ensembleSize); head++) {
    const seed = params.seed * 100 + head * 2;
    let hidden = tf.layers
      .dense({
        units: params.hiddenUnits,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        kernelRegularizer: params.l2 > 0 ? tf.regularizers.l2({ l2: params.l2 }) : undefined,
      })
      .apply(input) as tf.SymbolicTensor;
    if (params.dropout > 0) {
      hidden = tf.layers.dropout({ rate: params.dropout }).apply(hidden) as tf.SymbolicTensor;
    }
    outputs.push(
      tf.layers
        .dense({
          units: moods,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
        })
        .apply(hidden) as tf.SymbolicTensor,
    );
  }
  const network = tf.model({ inputs: input, outputs });
  network.compile({
    optimizer: tf.train.adam(params.learningRate),
    loss: outputs.map(() => 'categoricalCrossentropy'),
  });
  return network;
}

/** n / (moods × count): every mood weighs the same in the loss, however rare. */
function balancedClassWeights(labels: number[], moods: number): tf.ClassWeight {
  const counts = new Array<number>(moods).fill(0);
  labels.forEach((label) => counts[label]++);
  const weights: tf.ClassWeight = {};
  counts.forEach((count, label) => (weights[label] = count ? labels.length / (moods * count) : 1));
  return weights;
}

/** Serialises to the standard layers format, with the metadata inside model.json. */
async function saveArtifact(
  network: tf.LayersModel,
  metadata: MoodModelMetadata,
): Promise<MoodArtifact> {
  let artifact: MoodArtifact | undefined;
  await network.save(
    tf.io.withSaveHandler((saved) => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: saved.modelTopology as tf.io.ModelJSON['modelTopology'],
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: saved.weightSpecs ?? [] }],
        userDefinedMetadata: metadata as unknown as Record<string, object>,
      };
      artifact = { modelJson: JSON.stringify(modelJson), weights };
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
      });
    }),
  );
  return artifact!;
}
