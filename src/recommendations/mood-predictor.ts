import type { ParsedTracks } from '../common/tracks';

/** The listener's mood as the active mood model predicts it. */
export interface PredictedMood {
  mood: string;
  confidence: number;
}

/**
 * What recommendations need of the mood model: its moods, and a listener's mood. The mood module
 * provides it under MOOD_PREDICTOR, so recommendations depend on this, not on how moods are trained.
 */
export interface MoodPredictor {
  /** The active model's moods; empty while no model is active. */
  moods(): readonly string[];
  /** The listener's mood from these tracks; null while no model is active. */
  predict(parsed: ParsedTracks): PredictedMood | null;
}

export const MOOD_PREDICTOR = Symbol('MOOD_PREDICTOR');
