import type { ConfigType } from '@nestjs/config';
import { join, resolve } from 'node:path';
import { configNamespace } from '../config/config-namespace';
import { type MoodHyperParameters, NETWORK_HYPER_PARAMETERS } from './model/train-mood-model';

/** Mood model settings: the default dataset, where models are written, training and backend. */
export const moodConfig = configNamespace('mood', (environment) => {
  const hyperParameters: MoodHyperParameters = {
    ...NETWORK_HYPER_PARAMETERS,
    maxEpochs: environment.MOOD_MAX_EPOCHS,
    patience: environment.MOOD_PATIENCE,
    ensembleSize: environment.MOOD_ENSEMBLE_SIZE,
    folds: environment.MOOD_CV_FOLDS,
    seed: environment.MOOD_SEED,
  };
  return {
    datasetPath: environment.MOOD_DATASET_PATH
      ? resolve(environment.MOOD_DATASET_PATH)
      : join(environment.DATA_DIR, 'playlist_metrics.json'),
    /** Empty: never download; the default dataset must be on disk. */
    datasetUrl: environment.MOOD_DATASET_URL,
    datasetSha256: environment.MOOD_DATASET_SHA256,
    modelsDir: join(environment.DATA_DIR, 'models'),
    trainOnStart: environment.MOOD_TRAIN_ON_START,
    backend: environment.MOOD_TF_BACKEND,
    hyperParameters,
    /** Milliseconds a run may take before it is stopped and marked failed. */
    trainingTimeoutMs: environment.MOOD_TRAINING_TIMEOUT,
  };
});

export type MoodConfig = ConfigType<typeof moodConfig>;
