import type { AudioFeature } from '../../common/tracks';
import { ApiProperty } from '@nestjs/swagger';
import type { ResolvedBy } from '../../common/listening';
import { RESOLVED_BY, ResolvedCountsDto, SkippedRowDto } from '../../common/tracks/skipped-row.dto';
import type { MoodAlternative, MoodModelMetadata } from '../mood-engine';
import type { MoodMetrics } from '../model/training-report';

export class TrackMoodDto {
  /** The track's Spotify id: the catalog track the row resolved to, or the row's own. */
  id!: string | null;
  /** The row's position in the request. */
  row!: number;
  /** How the row got its features: its own, the catalog's by id, or by artist + title. */
  @ApiProperty({ enum: RESOLVED_BY, example: 'id' })
  resolved_by!: ResolvedBy;
  /** @example "Calm" */
  mood!: string;
  /** Calibrated probability of each mood for this track. @example {"Calm": 0.71, "Sad": 0.12} */
  probabilities!: Record<string, number>;
  /**
   * Audio features the model reads that this track lacked: the model used the training mean in
   * their place. Empty when the track had them all. @example ["time_signature"]
   */
  filled_features!: AudioFeature[];
}

export class MoodAlternativeDto implements MoodAlternative {
  /** @example "Sad" */
  mood!: string;
  /** @example 0.21 */
  probability!: number;
}

export class ModelSummaryDto {
  id!: string;
  /** When the model was trained (ISO-8601). */
  trained_at!: string;
  /** Cross-validated on playlists the model had not seen (see GET /mood/model for all of it). */
  metrics!: Pick<
    MoodMetrics,
    'evaluation' | 'accuracy' | 'top2_accuracy' | 'macro_f1' | 'ece' | 'listener_accuracy_10'
  >;
}

export class PredictMoodResponseDto {
  /** The listener's mood, from all tracks together. @example "Calm" */
  mood!: string;
  /**
   * Calibrated probability that the listener's mood is `mood`: of answers given with confidence
   * 0.7, about 70 % are right (fitted and measured on playlists held out of training).
   * @example 0.74
   */
  confidence!: number;
  /** The other moods, most likely first, with their probabilities. */
  alternatives!: MoodAlternativeDto[];
  /** The listener's probability of each mood (sums to 1). */
  probabilities!: Record<string, number>;
  tracks!: TrackMoodDto[];
  /** Rows not used (e.g. Spotify's "analysis not found"), with the reason. */
  skipped!: SkippedRowDto[];
  /** How the request's rows got their audio features: their own, the catalog's by id or by name. */
  resolved!: ResolvedCountsDto;
  model!: ModelSummaryDto;
}

export class MoodModelResponseDto {
  id!: string;
  run_id!: string;
  /** The moods the model knows. */
  labels!: string[];
  /** The model's inputs, in order, computed from the audio features (see README, "Mood"). */
  inputs!: string[];
  /**
   * The audio features those inputs read: a track that lacks one is still answered, with the
   * training mean in its place (predict_mood names it in `filled_features`).
   * @example ["danceability", "energy", "loudness", "speechiness", "acousticness", "instrumentalness", "valence", "tempo", "duration_ms"]
   */
  features!: AudioFeature[];
  /**
   * How per-track probabilities become the listener's mood, as the model's metadata says:
   * `calibrated_log_pool` (summed log-probabilities weighted for how much tracks of one listener
   * agree, then calibrated) or, for models saved before calibration, `sum_log_probabilities`.
   */
  aggregation!: MoodModelMetadata['aggregation'];
  /** Whether predict_mood answers with this model now. */
  active!: boolean;
  metrics!: MoodMetrics;
  /** The TensorFlow.js backend that runs it. */
  backend!: string;
  trained_at!: string;
  activated_at!: string | null;
}

export class MoodModelListResponseDto {
  models!: MoodModelResponseDto[];
  total!: number;
  limit!: number;
  offset!: number;
}
