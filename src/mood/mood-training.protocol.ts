import type { LabelledRow } from './mood-dataset-split';
import type { TfBackendPreference, TrainedMoodModel } from './mood-engine';
import type { MoodHyperParameters } from './model/train-mood-model';
import type { TrainingProgress } from './model/training-report';

/** What the service hands the training worker. */
export interface TrainingJob {
  rows: LabelledRow[];
  labels: string[];
  params: MoodHyperParameters;
  backend: TfBackendPreference;
}

export type WorkerMessage =
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'done'; backend: string; trained: TrainedMoodModel }
  | { type: 'error'; message: string; stack?: string };
