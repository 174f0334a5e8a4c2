import type { MoodPredictionService, MoodTrackScorer } from '../mood/mood-prediction.service';

export type { MoodTrackScorer };

/**
 * What the index needs of the mood model to give catalog tracks their moods: the active model's
 * track scorer, and word of every change of the active model. Provided under TRACK_MOOD_MODEL
 * (trackMoodModelOf), so that the index depends on this, not on how moods are trained, and the
 * scorer's unit tests stand in for it.
 */
export interface TrackMoodModel {
  /** The active model for scoring the catalog's tracks; null while no model is active. */
  trackScorer(): MoodTrackScorer | null;
  /** Called after every change of the active model. Returns the unsubscribe function. */
  onModelChange(listener: () => void): () => void;
}

export const TRACK_MOOD_MODEL = Symbol('TRACK_MOOD_MODEL');

/** The mood module's active model, as the index's mood scorer reads it. */
export function trackMoodModelOf(mood: MoodPredictionService): TrackMoodModel {
  return {
    trackScorer: () => mood.activeTrackScorer(),
    onModelChange: (listener) => mood.onActiveChange(listener),
  };
}
