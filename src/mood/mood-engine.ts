import * as tf from '@tensorflow/tfjs';
import { argmax } from '../common/numeric';
import type { AudioFeature } from '../common/tracks';
import type { TfBackendSetting } from '../config/environment';
import { compileForwardPass, type ForwardPass } from './dense-forward';
import type { LabelledRow } from './mood-dataset-split';
import { combineListener, GEOMETRIC_MEAN, ranked, type SetCalibration } from './mood-evaluation';
import {
  compileInputs,
  featuresReadBy,
  type FeatureScaling,
  LEGACY_MOOD_INPUTS,
  type MoodTrackFeatures,
  scaleInto,
} from './mood-features';
import { toLayersModel } from './model/mlp-ensemble';
import { fitMoodModel, type MoodHyperParameters } from './model/train-mood-model';
import type { MoodMetrics, TrainingHistory, TrainingProgress } from './model/training-report';

/** MOOD_TF_BACKEND: `auto` picks the first that loads of tfjs-node, wasm, pure JS. */
export type TfBackendPreference = TfBackendSetting;

/** A saved model in the standard TF.js layers format: model.json text and weights.bin bytes. */
export interface MoodArtifact {
  modelJson: string;
  weights: Uint8Array;
}

export const WEIGHTS_FILE = 'weights.bin';
/** Format 2: calibrated output, inputs chosen per run, set correlation for the listener's mood. */
export const MODEL_FORMAT = 'spotify-recommender/mood-model@2';
/** Format 1 (still loaded): uncalibrated averaged softmax over LEGACY_MOOD_INPUTS. */
export const LEGACY_MODEL_FORMAT = 'spotify-recommender/mood-model@1';

/** What travels with the network in model.json's userDefinedMetadata: one artifact, no side files. */
export interface MoodModelMetadata {
  format: typeof MODEL_FORMAT | typeof LEGACY_MODEL_FORMAT;
  labels: string[];
  /** Input names (MOOD_INPUT_DEFINITIONS), in the network's order. */
  inputs: string[];
  scaling: FeatureScaling;
  /**
   * How tracks combine into the listener's mood: `calibrated_log_pool` is combineListener with
   * `set_calibration`; format 1's `sum_log_probabilities` is the geometric mean.
   */
  aggregation: 'calibrated_log_pool' | 'sum_log_probabilities';
  ensemble_size: number;
  /** Temperature already folded into the last layer (1 for format 1: uncalibrated). */
  temperature?: number;
  set_calibration?: SetCalibration;
  /** Cross-validated candidate the run chose, and the epochs of the final fit. */
  candidate?: string;
  epochs?: number;
  training_rows?: number;
}

export interface TrainedMoodModel {
  artifact: MoodArtifact;
  labels: string[];
  /** Epochs of the deployed model's fit (the count cross-validation chose). */
  epochsRun: number;
  metrics: MoodMetrics;
  /** Rows the deployed model was fitted on: every usable row. */
  trainingRows: number;
  /**
   * Loss and accuracy per epoch: each candidate's cross-validation (mean over folds), then the
   * final fit. Always filled by train(); optional so that results stored before it existed type.
   */
  history?: TrainingHistory;
}

/** One track's prediction: calibrated probabilities, and which features were filled with the mean. */
interface TrackMoodPrediction {
  mood: string;
  probabilities: number[];
  /** Audio features the model reads that the track lacked: their inputs took the training mean. */
  filled_features: AudioFeature[];
}

export interface MoodAlternative {
  mood: string;
  probability: number;
}

interface ListenerMoodPrediction {
  mood: string;
  confidence: number;
  /** Combined probabilities, in `labels` order. */
  probabilities: number[];
  /** The other moods from most to least likely, with their combined probabilities. */
  alternatives: MoodAlternative[];
  tracks: TrackMoodPrediction[];
}

/** A loaded network with its input pipeline; predicts calibrated mood probabilities. */
export class LoadedMoodModel {
  private readonly setCalibration: SetCalibration;
  private readonly inputsOf: (track: MoodTrackFeatures) => number[];
  /** The audio features the model's inputs are computed from, in AUDIO_FEATURES order. */
  readonly features: AudioFeature[];
  /** The network's arithmetic without TensorFlow.js's per-call overhead, where its layers allow. */
  private readonly forward: ForwardPass | undefined;

  constructor(
    private readonly network: tf.LayersModel,
    readonly metadata: MoodModelMetadata,
  ) {
    this.inputsOf = compileInputs(metadata.inputs);
    this.features = featuresReadBy(metadata.inputs);
    this.forward = compileForwardPass(network);
    this.setCalibration =
      metadata.aggregation === 'calibrated_log_pool'
        ? (metadata.set_calibration ?? GEOMETRIC_MEAN)
        : GEOMETRIC_MEAN;
  }

  get labels(): string[] {
    return this.metadata.labels;
  }

  /** Per-track probabilities, in `labels` order (calibrated for format-2 models). */
  predict(tracks: MoodTrackFeatures[]): number[][] {
    return this.predictTracks(tracks).probabilities;
  }

  /**
   * Per-track probabilities and the features each track lacked (their inputs filled with the
   * training mean). One forward pass for all tracks.
   */
  predictTracks(tracks: MoodTrackFeatures[]): {
    probabilities: number[][];
    filled: AudioFeature[][];
  } {
    if (tracks.length === 0) return { probabilities: [], filled: [] };
    const scaled = scaleInto(tracks.map(this.inputsOf), this.metadata.scaling);
    const probabilities = this.forward
      ? this.forward(scaled.values, tracks.length)
      : this.predictWithTensorFlow(scaled.values, tracks.length);
    const filled = scaled.filled.map((inputs, i) =>
      inputs.length === 0
        ? []
        : this.features.filter((feature) => !Number.isFinite(tracks[i][feature])),
    );
    return { probabilities, filled };
  }

  /**
   * TensorFlow.js's own predict on scaled inputs (row-major): for layers the forward pass does not
   * know, and to check it.
   */
  predictWithTensorFlow(scaled: Float32Array, rows: number): number[][] {
    return tf.tidy(() => {
      const output = this.network.predict(tf.tensor2d(scaled, [rows, this.metadata.inputs.length]));
      return (output as tf.Tensor2D).arraySync();
    });
  }

  /** The listener's mood from a set of tracks, with alternatives and per-track predictions. */
  predictListener(tracks: MoodTrackFeatures[]): ListenerMoodPrediction {
    if (tracks.length === 0) throw new Error('predictListener needs at least one track');
    const { probabilities, filled } = this.predictTracks(tracks);
    const labels = this.labels;
    const combined = combineListener(probabilities, this.setCalibration);
    const [best, ...others] = ranked(combined);
    return {
      mood: labels[best],
      confidence: combined[best],
      probabilities: combined,
      alternatives: others.map((j) => ({ mood: labels[j], probability: combined[j] })),
      tracks: probabilities.map((p, i) => ({
        mood: labels[argmax(p)],
        probabilities: p,
        filled_features: filled[i],
      })),
    };
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
    const metadata = metadataOf(modelJson);
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
   * A training run (see fitMoodModel): metrics from k-fold cross-validation grouped by playlist,
   * then the deployed model fitted on every usable row, its probabilities calibrated.
   */
  async train(
    rows: LabelledRow[],
    labels: string[],
    params: MoodHyperParameters,
    onProgress?: (progress: TrainingProgress) => void,
  ): Promise<TrainedMoodModel> {
    const fitted = fitMoodModel(rows, labels, params, onProgress);
    const network = toLayersModel(fitted.heads, fitted.temperature);
    try {
      const artifact = await saveArtifact(network, {
        format: MODEL_FORMAT,
        labels,
        inputs: fitted.inputs,
        scaling: fitted.scaling,
        aggregation: 'calibrated_log_pool',
        ensemble_size: fitted.heads.length,
        temperature: fitted.metrics.model.temperature,
        set_calibration: fitted.metrics.model.set_calibration,
        candidate: fitted.metrics.model.candidate,
        epochs: fitted.epochs,
        training_rows: rows.length,
      });
      return {
        artifact,
        labels,
        epochsRun: fitted.epochs,
        metrics: fitted.metrics,
        trainingRows: rows.length,
        history: fitted.history,
      };
    } finally {
      network.dispose();
    }
  }
}

/**
 * What a saved model says about itself (model.json's userDefinedMetadata), with format 1's implicit
 * values made explicit. Throws when the JSON is not a mood model's.
 */
export function metadataOf(modelJson: string | tf.io.ModelJSON): MoodModelMetadata {
  const parsed =
    typeof modelJson === 'string' ? (JSON.parse(modelJson) as tf.io.ModelJSON) : modelJson;
  const stored = parsed.userDefinedMetadata as unknown as MoodModelMetadata | undefined;
  if (stored?.format !== MODEL_FORMAT && stored?.format !== LEGACY_MODEL_FORMAT) {
    throw new Error(`Not a mood model artifact (format ${String(stored?.format)})`);
  }
  return stored.format === LEGACY_MODEL_FORMAT
    ? {
        ...stored,
        inputs: stored.inputs ?? [...LEGACY_MOOD_INPUTS],
        temperature: 1,
        set_calibration: GEOMETRIC_MEAN,
      }
    : stored;
}

/** Serialises to the standard layers format, with the metadata inside model.json. */
export async function saveArtifact(
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
