import type { GroupingRule } from '../mood-dataset-split';
import type { MoodSplitMetrics, SetCalibration } from '../mood-evaluation';
import type { EpochRecord } from './mlp-ensemble';

/*
 * What a training run reports, as the API answers it and the dashboard reads it: its progress while
 * it trains, its metrics and its learning curves. Types only, so the dashboard's bundle takes none
 * of the training code with them.
 */

export interface TrainingProgress {
  /** `cross_validation`: the k fold models of one candidate, trained side by side; `final_fit`:
   * the deployed model on every usable row. */
  stage: 'cross_validation' | 'final_fit';
  /** 1-based position of this stage among the run's stages. */
  step: number;
  steps: number;
  candidate: string;
  /** Folds trained together in this stage (1 for the final fit). */
  folds: number;
  epoch: number;
  max_epochs: number;
  loss: number;
  val_loss: number | null;
}

export interface FoldSummary {
  fold: number;
  tracks: number;
  groups: number;
  accuracy: number;
  top2_accuracy: number;
  macro_f1: number;
  listener_accuracy_10: number | null;
}

export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

interface CandidateScore {
  name: string;
  inputs: string[];
  /** Out-of-fold negative log-likelihood after temperature scaling: the choice's criterion. */
  cv_log_loss: number;
  cv_accuracy: number;
  best_epoch: number;
}

export interface MoodMetrics {
  /**
   * Where the figures come from: k-fold cross-validation in which every playlist (or, without
   * playlist names, every upload-order block) is scored by a model that never saw it.
   * `random_split` only appears in the stored metrics of models trained by earlier versions.
   */
  evaluation: 'held_out_playlists' | 'held_out_blocks' | 'random_split';
  accuracy: number;
  top2_accuracy: number;
  macro_f1: number;
  ece: number;
  listener_accuracy_10: number | null;
  cross_validation: {
    folds: number;
    grouping: GroupingRule;
    groups: number;
    /** Every row's out-of-fold, calibrated prediction, pooled. */
    pooled: MoodSplitMetrics;
    per_fold: FoldSummary[];
    spread: Record<'accuracy' | 'macro_f1' | 'listener_accuracy_10', Spread | null>;
    /** ECE of the same out-of-fold predictions before temperature scaling. */
    ece_before_calibration: number;
  };
  model: {
    candidate: string;
    inputs: string[];
    candidates: CandidateScore[];
    epochs: number;
    temperature: number;
    /** How tracks combine into the listener's mood (combineListener), fitted out of fold. */
    set_calibration: SetCalibration;
    training_rows: number;
  };
}

/** A run's learning curves: loss and accuracy per epoch of each stage it trained. */
export interface TrainingHistory {
  /** Per candidate, its k fold models' epochs (training and held-out figures, mean over folds). */
  cross_validation: Record<string, EpochRecord[]>;
  /** The deployed model's fit on every row (no held-out rows: `val_*` are null). */
  final_fit: EpochRecord[];
}
