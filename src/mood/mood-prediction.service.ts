import { Injectable } from '@nestjs/common';
import { NotFoundError, ServiceUnavailableError, ValidationFailedError } from '../common/errors';
import { argmax, round } from '../common/numeric';
import type { ParsedTracks } from '../common/tracks';
import type { MoodModelResponseDto, PredictMoodResponseDto } from './dto/predict-mood-response.dto';
import { type ActiveModel, ModelStore } from './model-store';
import { toModelView } from './mood.views';
import { combineTrackProbabilities } from './mood-evaluation';
import { TrainingRunsService } from './training-runs.service';

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
   * Each track's mood probabilities, and the listener's: the tracks combined by summed
   * log-probabilities (see combineTrackProbabilities).
   */
  predict(parsed: ParsedTracks): PredictMoodResponseDto {
    const active = this.requireActiveModel();
    if (parsed.tracks.length === 0) {
      throw ValidationFailedError.field('tracks', 'has no usable track (every row was skipped)');
    }
    const labels = active.loaded.labels;
    const perTrack = active.loaded.predict(parsed.tracks);
    const combined = combineTrackProbabilities(perTrack);
    const best = argmax(combined);
    const byMood = (probabilities: number[]) =>
      Object.fromEntries(labels.map((label, j) => [label, round(probabilities[j])]));
    return {
      mood: labels[best],
      confidence: round(combined[best]),
      probabilities: byMood(combined),
      tracks: parsed.tracks.map((track, i) => ({
        id: track.id ?? null,
        row: track.row,
        mood: labels[argmax(perTrack[i])],
        probabilities: byMood(perTrack[i]),
      })),
      skipped: parsed.skipped,
      model: {
        id: active.row.id,
        trained_at: active.row.createdAt.toISOString(),
        metrics: {
          evaluation: active.row.metrics.evaluation,
          accuracy: active.row.metrics.accuracy,
          macro_f1: active.row.metrics.macro_f1,
          listener_accuracy_10: active.row.metrics.listener_accuracy_10,
        },
      },
    };
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
