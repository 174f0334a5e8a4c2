import { groupedFolds, type LabelledRow } from '../mood-dataset-split';
import { argmax, round } from '../../common/numeric';
import {
  evaluateSplit,
  expectedCalibrationError,
  type SetCalibration,
  softmax,
} from '../mood-evaluation';
import {
  type FeatureScaling,
  fitScaling,
  inputMatrix,
  LEGACY_MOOD_INPUTS,
  type MoodInputName,
  scaleInto,
} from '../mood-features';
import { fitSetCalibration, fitTemperature, negativeLogLikelihood } from './calibration';
import { type DenseWeights, type NetworkOptions, trainMembers } from './mlp-ensemble';
import type {
  FoldSummary,
  MoodMetrics,
  Spread,
  TrainingHistory,
  TrainingProgress,
} from './training-report';

/** One candidate model: its inputs and how its networks differ from the run's defaults. */
interface MoodCandidate {
  name: string;
  inputs: readonly MoodInputName[];
  network?: Partial<NetworkOptions>;
}

/** Inputs chosen among by cross-validation inside every run (README, "Mood"). */
const MOOD_CANDIDATES: readonly MoodCandidate[] = [
  {
    name: 'core9',
    inputs: [
      'valence',
      'energy',
      'danceability',
      'loudness',
      'sqrt_acousticness',
      'log10_instrumentalness',
      'log_speechiness',
      'tempo',
      'log_duration_s',
    ],
  },
  // Every feature: the inputs of the models saved before the choice was made per run.
  { name: 'all14', inputs: LEGACY_MOOD_INPUTS },
];

export interface MoodHyperParameters {
  /** Upper bound on training epochs (full-batch steps); early stopping picks the count. */
  maxEpochs: number;
  /** Epochs without a better cross-validated loss before training stops. */
  patience: number;
  /** Networks averaged in the deployed model (each cross-validation fold trains one). */
  ensembleSize: number;
  /** Folds of the cross-validation grouped by playlist. */
  folds: number;
  /** Names of MOOD_CANDIDATES to choose among; the choice is made by cross-validation. */
  candidates: string[];
  hiddenUnits: number;
  dropout: number;
  l2: number;
  labelSmoothing: number;
  learningRate: number;
  seed: number;
}

/**
 * The networks' shape, regularisation and optimiser, chosen by measurement (README, "Mood").
 * Training length, folds, ensemble size and seed are settings (MOOD_MAX_EPOCHS, …: mood.config.ts).
 */
export const NETWORK_HYPER_PARAMETERS: Omit<
  MoodHyperParameters,
  'maxEpochs' | 'patience' | 'ensembleSize' | 'folds' | 'seed'
> = {
  candidates: MOOD_CANDIDATES.map((candidate) => candidate.name),
  hiddenUnits: 16,
  dropout: 0.1,
  l2: 0.001,
  labelSmoothing: 0.1,
  learningRate: 0.02,
};

/** Everything a run produces apart from the saved bytes: the engine turns it into an artifact. */
interface FittedMoodModel {
  inputs: string[];
  scaling: FeatureScaling;
  heads: DenseWeights[][];
  temperature: number;
  setCalibration: SetCalibration;
  epochs: number;
  metrics: MoodMetrics;
  history: TrainingHistory;
}

/**
 * A training run: for each candidate, k-fold cross-validation grouped by playlist (the k models
 * side by side, one early-stopping decision); the candidate with the best out-of-fold log-loss;
 * temperature and set calibration fitted on its out-of-fold predictions; then the deployed model
 * fitted on every usable row for the chosen number of epochs.
 */
export function fitMoodModel(
  rows: LabelledRow[],
  labels: string[],
  params: MoodHyperParameters,
  onProgress?: (progress: TrainingProgress) => void,
): FittedMoodModel {
  const candidates = params.candidates.map((name) => {
    const candidate = MOOD_CANDIDATES.find((c) => c.name === name);
    if (!candidate) throw new Error(`Unknown mood model candidate "${name}"`);
    return candidate;
  });
  if (candidates.length === 0) throw new Error('No mood model candidate to train');
  const split = groupedFolds(rows, params.folds, params.seed);
  const truth = rows.map((row) => row.label);
  const vectors = rows.map((row) => row.inputs);
  const steps = candidates.length + 1;
  const history: TrainingHistory = { cross_validation: {}, final_fit: [] };

  const prepared = candidates.map((candidate) => {
    const matrix = inputMatrix(vectors, candidate.inputs);
    const scaling = fitScaling(matrix);
    return { candidate, scaling, x: scaleInto(matrix, scaling).values };
  });
  const scored = prepared.map((entry, c) => {
    // One network per fold: averaging several changed no accuracy figure by more than a point in
    // leave-one-playlist-out tests, and would multiply the cost of the cross-validation.
    const options = { ...networkOptions(params, entry.candidate), heads: 1 };
    const trained = trainMembers(
      { x: entry.x, width: entry.candidate.inputs.length, labels: truth, moods: labels.length },
      split.folds.map((fold) => ({ train: fold.train, validation: fold.test })),
      options,
      (record) =>
        onProgress?.({
          stage: 'cross_validation',
          step: c + 1,
          steps,
          candidate: entry.candidate.name,
          folds: split.folds.length,
          epoch: record.epoch,
          max_epochs: options.maxEpochs,
          loss: record.loss,
          val_loss: record.val_loss,
        }),
    );
    history.cross_validation[entry.candidate.name] = trained.history;
    const logits: number[][] = new Array<number[]>(rows.length);
    split.folds.forEach((fold, f) =>
      fold.test.forEach((row, i) => {
        logits[row] = Array.from(
          trained.validationLogits[f].subarray(i * labels.length, (i + 1) * labels.length),
        );
      }),
    );
    const temperature = fitTemperature(logits, truth);
    const calibrated = logits.map((row) => softmax(row.map((z) => z / temperature)));
    return {
      ...entry,
      options,
      logits,
      temperature,
      calibrated,
      bestEpoch: trained.bestEpoch,
      score: {
        name: entry.candidate.name,
        inputs: [...entry.candidate.inputs],
        cv_log_loss: round(negativeLogLikelihood(calibrated, truth)),
        cv_accuracy: round(
          calibrated.filter((p, i) => argmax(p) === truth[i]).length / rows.length,
        ),
        best_epoch: trained.bestEpoch,
      },
    };
  });
  const chosen = scored.reduce((a, b) => (b.score.cv_log_loss < a.score.cv_log_loss ? b : a));
  const setCalibration = fitSetCalibration(chosen.calibrated, truth, split.groups, params.seed);
  const metrics = crossValidationMetrics(rows, labels, split, chosen, setCalibration, params);
  metrics.model.candidates = scored.map((s) => s.score);

  const epochs = Math.max(1, chosen.bestEpoch);
  const finalOptions = {
    ...networkOptions(params, chosen.candidate),
    maxEpochs: epochs,
    patience: 0,
  };
  const final = trainMembers(
    { x: chosen.x, width: chosen.candidate.inputs.length, labels: truth, moods: labels.length },
    [{ train: rows.map((_, i) => i), validation: [] }],
    finalOptions,
    (record) =>
      onProgress?.({
        stage: 'final_fit',
        step: steps,
        steps,
        candidate: chosen.candidate.name,
        folds: 1,
        epoch: record.epoch,
        max_epochs: epochs,
        loss: record.loss,
        val_loss: null,
      }),
  );
  history.final_fit = final.history;
  return {
    inputs: [...chosen.candidate.inputs],
    scaling: chosen.scaling,
    heads: final.weights[0],
    temperature: chosen.temperature,
    setCalibration,
    epochs,
    metrics,
    history,
  };
}

function networkOptions(params: MoodHyperParameters, candidate: MoodCandidate): NetworkOptions {
  return {
    hidden: [params.hiddenUnits],
    heads: Math.max(1, params.ensembleSize),
    learningRate: params.learningRate,
    l2: params.l2,
    dropout: params.dropout,
    labelSmoothing: params.labelSmoothing,
    batchSize: 0,
    balanceClasses: true,
    maxEpochs: params.maxEpochs,
    patience: params.patience,
    seed: params.seed,
    ...candidate.network,
  };
}

function crossValidationMetrics(
  rows: LabelledRow[],
  labels: string[],
  split: ReturnType<typeof groupedFolds>,
  chosen: {
    candidate: MoodCandidate;
    logits: number[][];
    calibrated: number[][];
    temperature: number;
    bestEpoch: number;
  },
  setCalibration: SetCalibration,
  params: MoodHyperParameters,
): MoodMetrics {
  const truth = rows.map((row) => row.label);
  const options = { setCalibration, seed: params.seed };
  const pooled = evaluateSplit(chosen.calibrated, truth, labels, split.groups, options);
  const perFold = split.folds.map((fold, f): FoldSummary => {
    const m = evaluateSplit(
      fold.test.map((i) => chosen.calibrated[i]),
      fold.test.map((i) => truth[i]),
      labels,
      fold.test.map((i) => split.groups[i]),
      options,
    );
    return {
      fold: f + 1,
      tracks: fold.test.length,
      groups: new Set(fold.test.map((i) => split.groups[i])).size,
      accuracy: m.accuracy,
      top2_accuracy: m.top2_accuracy,
      macro_f1: m.macro_f1,
      listener_accuracy_10: m.listener_accuracy_10,
    };
  });
  const uncalibrated = chosen.logits.map(softmax);
  return {
    evaluation: split.rule === 'playlist' ? 'held_out_playlists' : 'held_out_blocks',
    accuracy: pooled.accuracy,
    top2_accuracy: pooled.top2_accuracy,
    macro_f1: pooled.macro_f1,
    ece: pooled.ece,
    listener_accuracy_10: pooled.listener_accuracy_10,
    cross_validation: {
      folds: split.folds.length,
      grouping: split.rule,
      groups: new Set(split.groups).size,
      pooled,
      per_fold: perFold,
      spread: {
        accuracy: spreadOf(perFold.map((f) => f.accuracy)),
        macro_f1: spreadOf(perFold.map((f) => f.macro_f1)),
        listener_accuracy_10: spreadOf(
          perFold.map((f) => f.listener_accuracy_10).filter((v): v is number => v !== null),
        ),
      },
      ece_before_calibration: round(expectedCalibrationError(uncalibrated, truth)),
    },
    model: {
      candidate: chosen.candidate.name,
      inputs: [...chosen.candidate.inputs],
      candidates: [],
      epochs: Math.max(1, chosen.bestEpoch),
      temperature: round(chosen.temperature),
      set_calibration: {
        correlation: round(setCalibration.correlation),
        shrinkage: round(setCalibration.shrinkage),
      },
      training_rows: rows.length,
    },
  };
}

function spreadOf(values: number[]): Spread | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return {
    mean: round(mean),
    sd: round(sd),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
