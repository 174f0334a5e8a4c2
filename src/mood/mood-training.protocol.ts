import type { LabelledRow } from './mood-dataset-split';
import type {
  MoodHyperParameters,
  TfBackendPreference,
  TrainedMoodModel,
  TrainingProgress,
} from './mood-engine';

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
