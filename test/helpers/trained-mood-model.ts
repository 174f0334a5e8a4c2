import { MODEL_FORMAT, type TrainedMoodModel } from '../../src/mood/mood-engine';

/** What a training worker hands back, without training: two moods, cross-validated accuracy 0.6. */
export function trainedMoodModel(weights: number[] = [1, 2, 3]): TrainedMoodModel {
  const labels = ['Calm', 'Sad'];
  const userDefinedMetadata = {
    format: MODEL_FORMAT,
    labels,
    inputs: ['danceability'],
    scaling: { mean: [0.5], std: [0.2] },
    aggregation: 'calibrated_log_pool',
    ensemble_size: 1,
  };
  return {
    artifact: {
      modelJson: JSON.stringify({ format: 'layers-model', userDefinedMetadata }),
      weights: new Uint8Array(weights),
    },
    labels,
    epochsRun: 3,
    trainingRows: 10,
    metrics: {
      evaluation: 'held_out_playlists',
      accuracy: 0.6,
      macro_f1: 0.5,
      listener_accuracy_10: 0.8,
    } as TrainedMoodModel['metrics'],
    history: {
      cross_validation: {
        core9: [{ epoch: 1, loss: 1.2, accuracy: 0.4, val_loss: 1.3, val_accuracy: 0.35 }],
      },
      final_fit: [{ epoch: 1, loss: 1.1, accuracy: 0.45, val_loss: null, val_accuracy: null }],
    },
  };
}
