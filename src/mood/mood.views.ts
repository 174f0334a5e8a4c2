import type { MoodModelResponseDto } from './dto/predict-mood-response.dto';
import type { TrainingRunResponseDto } from './dto/training-run-response.dto';
import type { TrainingProgress } from './model/training-report';
import { featuresReadBy } from './mood-features';
import type { MoodModelSummary } from './model-store';
import type { TrainingRun } from './training-run.entity';

/** A training run as the API shows it; `liveProgress` is the running run's latest epoch. */
export function toRunView(
  run: TrainingRun,
  liveProgress?: TrainingProgress,
): TrainingRunResponseDto {
  return {
    id: run.id,
    status: run.status,
    accuracy: run.metrics?.accuracy ?? null,
    macro_f1: run.metrics?.macro_f1 ?? null,
    model_id: run.modelId,
    dataset: {
      source: run.datasetSource,
      sha256: run.datasetSha256,
      rows_used: run.rowsUsed,
      rows_skipped: run.rowsSkipped,
    },
    hyper_parameters: run.hyperParameters,
    progress: liveProgress ?? run.progress,
    epochs_run: run.epochsRun,
    duration_ms: run.durationMs,
    backend: run.backend,
    metrics: run.metrics,
    error: run.error,
    created_at: run.createdAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
  };
}

/** A model version as the API shows it, with the backend that runs it. */
export function toModelView(row: MoodModelSummary, backend: string): MoodModelResponseDto {
  return {
    id: row.id,
    run_id: row.runId,
    labels: row.labels,
    inputs: row.inputs,
    features: featuresReadBy(row.inputs),
    aggregation: row.aggregation,
    active: row.isActive,
    metrics: row.metrics,
    backend,
    trained_at: row.createdAt.toISOString(),
    activated_at: row.activatedAt?.toISOString() ?? null,
  };
}
