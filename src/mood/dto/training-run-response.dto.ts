import type { EpochRecord } from '../model/mlp-ensemble';
import type { MoodMetrics, TrainingHistory, TrainingProgress } from '../model/training-report';
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

/** Where a training is: which stage, which candidate, which epoch. */
export class TrainingProgressDto implements TrainingProgress {
  /**
   * `cross_validation`: one candidate's k fold models, trained side by side; `final_fit`: the
   * deployed model, on every usable row.
   */
  stage!: 'cross_validation' | 'final_fit';
  /** This stage's position among the run's stages (1-based). @example 1 */
  step!: number;
  /** @example 3 */
  steps!: number;
  /** The input set being trained. @example "core9" */
  candidate!: string;
  /** Fold models trained together in this stage (1 in the final fit). @example 5 */
  folds!: number;
  /** @example 12 */
  epoch!: number;
  max_epochs!: number;
  loss!: number;
  /** Mean loss on the folds' held-out playlists; null in the final fit. */
  val_loss!: number | null;
}

export class EpochRecordDto implements EpochRecord {
  epoch!: number;
  loss!: number;
  accuracy!: number;
  val_loss!: number | null;
  val_accuracy!: number | null;
}

/** A run's learning curves. */
export class TrainingHistoryDto implements TrainingHistory {
  /**
   * Per candidate input set, each epoch of its cross-validation: training loss/accuracy and loss/
   * accuracy on the held-out playlists, each the mean over the k fold models.
   */
  cross_validation!: Record<string, EpochRecordDto[]>;
  /** Each epoch of the deployed model's fit on every usable row. */
  final_fit!: EpochRecordDto[];
}

export class TrainingRunResponseDto {
  id!: string;
  /** queued → running → succeeded | failed */
  status!: TrainingRunStatus;
  /** Cross-validated accuracy (whole playlists held out where the data names them). Null until succeeded. */
  accuracy!: number | null;
  macro_f1!: number | null;
  /** The model this run made, once succeeded. */
  model_id!: string | null;
  dataset!: TrainingDatasetDto;
  hyper_parameters!: Record<string, unknown>;
  /** Live while running (stage, fold models, epoch, losses); the last reported afterwards. */
  progress!: TrainingProgressDto | null;
  /**
   * Loss and accuracy per epoch of every stage, once succeeded (null before, and for runs recorded
   * without it). Only in GET /mood/runs/{id}: lists leave it out to stay small.
   */
  history?: TrainingHistoryDto | null;
  /** Epochs of the deployed model's fit. */
  epochs_run!: number | null;
  duration_ms!: number | null;
  backend!: string | null;
  /**
   * Cross-validated by playlist: accuracy, top-2, macro-F1, calibration error, 10-track listener
   * accuracy, per-mood precision/recall, confusion matrix, each fold's figures and their spread,
   * and what the run chose (inputs, epochs, temperature).
   */
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
