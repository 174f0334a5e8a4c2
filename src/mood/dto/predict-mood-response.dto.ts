import { SkippedRowDto } from '../../common/tracks/skipped-row.dto';
import type { MoodMetrics } from '../mood-engine';

export class TrackMoodDto {
  /** The track's Spotify id, when the row had one. */
  id!: string | null;
  /** The row's position in the request. */
  row!: number;
  /** @example "Calm" */
  mood!: string;
  /** Probability of each mood for this track. @example {"Calm": 0.71, "Sad": 0.12} */
  probabilities!: Record<string, number>;
}

export class ModelSummaryDto {
  id!: string;
  /** When the model was trained (ISO-8601). */
  trained_at!: string;
  /** Held-out metrics: accuracy and macro-F1 on held-out playlists where the data had them. */
  metrics!: Pick<MoodMetrics, 'evaluation' | 'accuracy' | 'macro_f1' | 'listener_accuracy_10'>;
}

export class PredictMoodResponseDto {
  /** The listener's mood, from all tracks together (summed log-probabilities). @example "Calm" */
  mood!: string;
  /** Probability of that mood. @example 0.83 */
  confidence!: number;
  /** The listener's probability of each mood (normalised geometric mean of the tracks'). */
  probabilities!: Record<string, number>;
  tracks!: TrackMoodDto[];
  /** Rows not used (e.g. Spotify's "analysis not found"), with the reason. */
  skipped!: SkippedRowDto[];
  model!: ModelSummaryDto;
}

export class MoodModelResponseDto {
  id!: string;
  run_id!: string;
  /** The moods the model knows. */
  labels!: string[];
  /** The engineered inputs, in order (see README, "Mood"). */
  inputs!: string[];
  /** How per-track probabilities become the listener's mood. */
  aggregation!: 'sum_log_probabilities';
  metrics!: MoodMetrics;
  /** The TensorFlow.js backend that runs it. */
  backend!: string;
  trained_at!: string;
  activated_at!: string | null;
}
