import { combineTrackProbabilities, evaluateSplit, majorityVote } from './mood-evaluation';

describe('combining track probabilities', () => {
  it('follows summed log-probabilities, not the majority of per-track winners', () => {
    // Two tracks lean slightly to mood 0, one is sure of mood 1.
    const perTrack = [
      [0.55, 0.45],
      [0.55, 0.45],
      [0.02, 0.98],
    ];
    expect(majorityVote(perTrack)).toBe(0);
    const combined = combineTrackProbabilities(perTrack);
    expect(combined[1]).toBeGreaterThan(combined[0]);
    expect(combined[0] + combined[1]).toBeCloseTo(1, 10);
  });
});

describe('evaluateSplit', () => {
  it('computes accuracy, per-mood precision/recall, macro-F1 and the confusion matrix', () => {
    const probabilities = [
      [0.9, 0.1],
      [0.8, 0.2],
      [0.3, 0.7],
      [0.6, 0.4],
    ];
    const metrics = evaluateSplit(probabilities, [0, 0, 1, 1], ['A', 'B'], ['p', 'p', 'q', 'q'], 1);
    expect(metrics.accuracy).toBe(0.75);
    expect(metrics.confusion_matrix.matrix).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(metrics.per_mood.A).toEqual({ precision: 0.6667, recall: 1, support: 2 });
    expect(metrics.per_mood.B).toEqual({ precision: 1, recall: 0.5, support: 2 });
    expect(metrics.macro_f1).toBeCloseTo((0.8 + 2 / 3) / 2, 3);
    // Groups smaller than 10 tracks make no listener sets.
    expect(metrics.listener_accuracy_10).toBeNull();
  });

  it('scores 10-track listener sets per group', () => {
    const probabilities = Array.from({ length: 12 }, () => [0.6, 0.4]);
    const metrics = evaluateSplit(
      probabilities,
      new Array(12).fill(0),
      ['A', 'B'],
      new Array(12).fill('p'),
      3,
      5,
    );
    expect(metrics.listener_sets).toBe(5);
    expect(metrics.listener_accuracy_10).toBe(1);
  });
});
