import type { ParsedTracks } from '../common/tracks';
import type { MoodPredictionService, MoodTrackScorer } from '../mood/mood-prediction.service';

export type { MoodTrackScorer };

/** The listener's mood as the active mood model predicts it. */
export interface PredictedMood {
  mood: string;
  confidence: number;
}

/**
 * What recommendations need of the mood model: its moods, a listener's mood, and the catalog's
 * tracks' moods (CatalogMoodScorer), provided under
 * MOOD_PREDICTOR (moodPredictorOf), so that recommendations depend on this, not on how moods are
 * trained, and their unit tests mock it.
 */
export interface MoodPredictor {
  /** The active model's moods; empty while no model is active. */
  moods(): readonly string[];
  /** The listener's mood from these tracks; null while no model is active. */
  predict(parsed: ParsedTracks<never>): PredictedMood | null;
  /** The active model for scoring the catalog's tracks; null while no model is active. */
  trackScorer(): MoodTrackScorer | null;
  /** Called after every change of the active model. Returns the unsubscribe function. */
  onModelChange(listener: () => void): () => void;
}

export const MOOD_PREDICTOR = Symbol('MOOD_PREDICTOR');

/** The mood module's predictions, as recommendations read them. */
export function moodPredictorOf(mood: MoodPredictionService): MoodPredictor {
  const hasModel = () => mood.status().model_id !== null;
  return {
    moods: () => (hasModel() ? mood.activeModel().labels : []),
    predict: (parsed) => {
      if (!hasModel()) return null;
      const { mood: name, confidence } = mood.predict(parsed);
      return { mood: name, confidence };
    },
    trackScorer: () => mood.activeTrackScorer(),
    onModelChange: (listener) => mood.onActiveChange(listener),
  };
}
