/**
 * What the service answers, typed from the service's own response DTOs (type-only imports: nothing of
 * the server is bundled), so a change to an answer's shape fails the dashboard's type check
 * (`npm run build`) instead of the page at run time.
 */
export type { ErrorBody } from '../../../common/errors/error-body';
export type { ErrorDetail } from '../../../common/errors/app-error';
export type { MoodMetrics, Spread, TrainingProgress } from '../../../mood/model/training-report';
export type { MoodSplitMetrics } from '../../../mood/mood-evaluation';
export type {
  MoodModelResponseDto as MoodModel,
  PredictMoodResponseDto as MoodPrediction,
} from '../../../mood/dto/predict-mood-response.dto';
export type {
  TrainingRunListResponseDto as TrainingRunList,
  TrainingRunResponseDto as TrainingRun,
} from '../../../mood/dto/training-run-response.dto';
export type { TrendsResponseDto as TrendsAnswer } from '../../../trends/dto/trends-response.dto';
export type { EpochRecordDto as EpochRecord } from '../../../mood/dto/training-run-response.dto';
export type {
  HistoryRecommendationsResponseDto as Recommendations,
  RecommendedTrackDto as RecommendedTrack,
  RecommendationReasonDto as RecommendationReason,
} from '../../../recommendations/dto/recommendations-response.dto';
export type { CatalogSummaryResponseDto as CatalogSummary } from '../../../catalog/dto/catalog-summary-response.dto';
export type {
  CatalogImportListResponseDto as CatalogImportList,
  CatalogImportResponseDto as CatalogImport,
} from '../../../catalog/dto/catalog-import-response.dto';
export type { CatalogFormat } from '../../../catalog/formats/catalog-formats';
export type {
  ResolvedCountsDto as ResolvedCounts,
  SkippedRowDto as SkippedListeningRow,
} from '../../../common/tracks/skipped-row.dto';

/** The mood check of /health: the TensorFlow.js backend, the active model, any running training. */
export interface MoodStatus {
  backend: string;
  model_id: string | null;
  training_run_id: string | null;
}

/** One check of /health (terminus): `up` or `down`, with the check's own fields. */
export interface HealthCheck {
  status: 'up' | 'down';
  message?: string;
}

/** GET /health: 200 when every check is up, 503 with the same body when one is down. */
export interface Health {
  status: 'ok' | 'error' | 'shutting_down';
  details: { database?: HealthCheck; mood?: HealthCheck & Partial<MoodStatus> };
}
