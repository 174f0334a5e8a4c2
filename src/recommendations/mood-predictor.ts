import type { ParsedTracks } from '../common/tracks';
import type { MoodPredictionService } from '../mood/mood-prediction.service';

/** The listener's mood as the active mood model predicts it. */
export interface PredictedMood {
  mood: string;
  confidence: number;
}

/**
 * What recommendations need of the mood model: its moods (to check `mood=`) and a listener's mood,
 * provided under MOOD_PREDICTOR (moodPredictorOf), so that recommendations depend on this, not on
 * how moods are trained, and their unit tests mock it. (The catalog's tracks get their moods in
 * the index module, through its own TrackMoodModel.)
 */
export interface MoodPredictor {
  /** The active model's moods; empty while no model is active. */
  moods(): readonly string[];
  /** The listener's mood from these tracks; null while no model is active. */
  predict(parsed: ParsedTracks<never>): PredictedMood | null;
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
  };
}
