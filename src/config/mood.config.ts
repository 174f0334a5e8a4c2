import { registerAs } from '@nestjs/config';
import { join, resolve } from 'node:path';
import type { TfBackendPreference } from '../mood/mood-engine';

/** The original project's published labelled dataset, and its sha256. */
export const DEFAULT_MOOD_DATASET_URL =
  'https://raw.githubusercontent.com/diegomggp/datadesaf2/main/static/playlist_metrics.json';
export const DEFAULT_MOOD_DATASET_SHA256 =
  '13e4ad3ff125493c53042ed52475fe3fd16a068035865c9d460b8879a600e4d2';

/** Mood model settings. Values arrive already validated by validateEnvironment(). */
export const moodConfig = registerAs('mood', () => {
  const dataDir = resolve(process.env.DATA_DIR ?? 'data');
  const int = (name: string, fallback: number) =>
    process.env[name] ? Number(process.env[name]) : fallback;
  return {
    datasetPath: resolve(process.env.MOOD_DATASET_PATH || join(dataDir, 'playlist_metrics.json')),
    /** Empty: never download; the default dataset must be on disk. */
    datasetUrl: process.env.MOOD_DATASET_URL ?? DEFAULT_MOOD_DATASET_URL,
    datasetSha256: (process.env.MOOD_DATASET_SHA256 || DEFAULT_MOOD_DATASET_SHA256).toLowerCase(),
    modelsDir: join(dataDir, 'models'),
    trainOnStart: (process.env.MOOD_TRAIN_ON_START ?? 'true') === 'true',
    backend: (process.env.MOOD_TF_BACKEND ?? 'auto') as TfBackendPreference,
    maxEpochs: int('MOOD_MAX_EPOCHS', 300),
    patience: int('MOOD_PATIENCE', 15),
    ensembleSize: int('MOOD_ENSEMBLE_SIZE', 3),
    seed: int('MOOD_SEED', 42),
  };
});

export type MoodConfig = ReturnType<typeof moodConfig>;
