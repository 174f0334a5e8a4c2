import type { MoodMetrics, TrainingProgress } from '../mood-engine';
import type { DatasetSource, TrainingRunStatus } from '../training-run.entity';

export class TrainingDatasetDto {
  /** `default` (the default dataset) or `request` (a body posted to retrain_mood). */
  source!: DatasetSource;
  /**
   * sha256 of the labelled rows the run trained on, the same for either source and any body shape
   * (canonical form: see labelledDatasetSha256).
   */
  sha256!: string;
  rows_used!: number;
  rows_skipped!: number;
}

export class TrainingRunResponseDto {
  id!: string;
  /** queued → running → succeeded | failed */
  status!: TrainingRunStatus;
  /** Held-out accuracy (held-out playlists where the data has them). Null until succeeded. */
  accuracy!: number | null;
  macro_f1!: number | null;
  /** The model this run made, once succeeded. */
  model_id!: string | null;
  dataset!: TrainingDatasetDto;
  hyper_parameters!: Record<string, unknown>;
  /** Epoch progress while running; the last epoch afterwards. */
  progress!: TrainingProgress | null;
  epochs_run!: number | null;
  duration_ms!: number | null;
  backend!: string | null;
  /** Accuracy, macro-F1, per-mood precision/recall, confusion matrix, 10-track listener accuracy. */
  metrics!: MoodMetrics | null;
  /** Why a failed run failed. */
  error!: string | null;
  created_at!: string;
  started_at!: string | null;
  finished_at!: string | null;
}

export class TrainingRunListResponseDto {
  runs!: TrainingRunResponseDto[];
  total!: number;
  limit!: number;
  offset!: number;
}
