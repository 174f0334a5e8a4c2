import type { TrainedMoodModel } from '../../src/mood/mood-engine';

/** What a training worker hands back, without training: two moods, held-out accuracy 0.6. */
export function trainedMoodModel(weights: number[] = [1, 2, 3]): TrainedMoodModel {
  return {
    artifact: { modelJson: '{"format":"layers-model"}', weights: new Uint8Array(weights) },
    labels: ['Calm', 'Sad'],
    epochsRun: 3,
    trainingRows: 10,
    metrics: {
      evaluation: 'random_split',
      accuracy: 0.6,
      macro_f1: 0.5,
      listener_accuracy_10: 0.8,
    } as TrainedMoodModel['metrics'],
  };
}
