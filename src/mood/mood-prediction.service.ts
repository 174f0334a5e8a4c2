import { Injectable } from '@nestjs/common';
import { NotFoundError, ServiceUnavailableError, ValidationFailedError } from '../common/errors';
import { round } from '../common/numeric';
import { type ParsedTracks, resolvedOf } from '../common/tracks';
import type {
  MoodModelListResponseDto,
  MoodModelResponseDto,
  PredictMoodResponseDto,
} from './dto/predict-mood-response.dto';
import { type ActiveModel, ModelStore } from './model-store';
import type { MoodTrackFeatures } from './mood-features';
import { toModelView } from './mood.views';
import { TrainingRunsService } from './training-runs.service';

/** One model's predictions for feature rows; see MoodPredictionService.activeTrackScorer. */
export interface MoodTrackScorer {
  modelId: string;
  labels: readonly string[];
  score(tracks: MoodTrackFeatures[]): number[][];
}

/** What /health reports about the mood model. */
export interface MoodStatus {
  backend: string;
  model_id: string | null;
  training_run_id: string | null;
}

/**
 * The listener's mood from the active model, the active model's description, and switching to
 * another stored model.
 */
@Injectable()
export class MoodPredictionService {
  constructor(
    private readonly models: ModelStore,
    private readonly runs: TrainingRunsService,
  ) {}

  /** For /health: which backend runs, which model is active, which run is training. */
  status(): MoodStatus {
    return {
      backend: this.models.backend,
      model_id: this.models.active?.row.id ?? null,
      training_run_id: this.runs.runningRunId,
    };
  }

  /**
   * Each track's calibrated mood probabilities, and the listener's: the tracks pooled as the model's
   * metadata says (LoadedMoodModel.predictListener), with the next most likely moods. A feature the
   * model reads that a track lacks takes the training mean, and the track's answer names it.
   */
  predict(parsed: ParsedTracks<never>): PredictMoodResponseDto {
    const active = this.requireActiveModel();
    if (parsed.tracks.length === 0) {
      throw ValidationFailedError.field('tracks', 'has no usable track (every row was skipped)');
    }
    const labels = active.loaded.labels;
    const listener = active.loaded.predictListener(parsed.tracks);
    const byMood = (probabilities: number[]) =>
      Object.fromEntries(labels.map((label, j) => [label, round(probabilities[j])]));
    const { metrics } = active.row;
    return {
      mood: listener.mood,
      confidence: round(listener.confidence),
      alternatives: listener.alternatives.map(({ mood, probability }) => ({
        mood,
        probability: round(probability),
      })),
      probabilities: byMood(listener.probabilities),
      tracks: parsed.tracks.map((track, i) => ({
        id: track.id ?? null,
        row: track.row,
        resolved_by: track.resolvedBy ?? 'features',
        mood: listener.tracks[i].mood,
        probabilities: byMood(listener.tracks[i].probabilities),
        filled_features: listener.tracks[i].filled_features,
      })),
      skipped: parsed.skipped,
      resolved: resolvedOf(parsed),
      model: {
        id: active.row.id,
        trained_at: active.row.createdAt.toISOString(),
        metrics: {
          evaluation: metrics.evaluation,
          accuracy: metrics.accuracy,
          top2_accuracy: metrics.top2_accuracy,
          macro_f1: metrics.macro_f1,
          ece: metrics.ece,
          listener_accuracy_10: metrics.listener_accuracy_10,
        },
      },
    };
  }

  /**
   * The active model as a function of feature rows (for scoring many tracks, such as the catalog's):
   * each row's calibrated probabilities in `labels` order, a missing feature taking the training mean.
   * Null while no model is active. The snapshot keeps answering with its model after a swap.
   */
  activeTrackScorer(): MoodTrackScorer | null {
    const active = this.models.active;
    if (!active) return null;
    const { loaded } = active;
    return {
      modelId: active.row.id,
      labels: loaded.labels,
      score: (tracks) => loaded.predictTracks(tracks).probabilities,
    };
  }

  /** Called after every change of this process's active model. Returns the unsubscribe function. */
  onActiveChange(listener: () => void): () => void {
    return this.models.onActiveChange(() => listener());
  }

  /** Every stored model version, newest first. */
  async listModels(limit: number, offset: number): Promise<MoodModelListResponseDto> {
    const [rows, total] = await this.models.list(limit, offset);
    const models = rows.map((row) => toModelView(row, this.models.backend));
    return { models, total, limit, offset };
  }

  activeModel(): MoodModelResponseDto {
    const active = this.models.active;
    if (!active) throw new NotFoundError(this.notReadyMessage(), 'NO_ACTIVE_MODEL');
    return toModelView(active.row, this.models.backend);
  }

  /** Makes an earlier (or later) good model the active one: roll back or forward. */
  async activate(id: string): Promise<MoodModelResponseDto> {
    return toModelView(await this.models.activate(id), this.models.backend);
  }

  private requireActiveModel(): ActiveModel {
    const active = this.models.active;
    if (!active) {
      throw new ServiceUnavailableError(this.notReadyMessage(), 'MODEL_NOT_READY', {
        training_run_id: this.runs.runningRunId,
      });
    }
    return active;
  }

  private notReadyMessage(): string {
    const runId = this.runs.runningRunId;
    return runId
      ? `No mood model is active yet; training run ${runId} is in progress, retry when it has finished (GET /api/v1/mood/runs/${runId})`
      : 'No mood model is active yet; an admin can train one with GET /api/v1/default_train_mood or POST /api/v1/retrain_mood';
  }
}
