import {
  combineListener,
  GEOMETRIC_MEAN,
  combineTrackProbabilities,
  evaluateSplit,
  expectedCalibrationError,
  majorityVote,
} from './mood-evaluation';

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

  it('grows more confident with more tracks the less they are correlated, with the same winner', () => {
    const perTrack = Array.from({ length: 10 }, () => [0.6, 0.4]);
    const independent = combineListener(perTrack, { correlation: 0, shrinkage: 0 });
    const correlated = combineListener(perTrack, { correlation: 0.5, shrinkage: 0 });
    const oneWitness = combineListener(perTrack, GEOMETRIC_MEAN);
    // ρ = 0: the full product; ρ = 1: the geometric mean (one track's worth of evidence).
    expect(independent[0]).toBeCloseTo(0.6 ** 10 / (0.6 ** 10 + 0.4 ** 10), 10);
    expect(oneWitness[0]).toBeCloseTo(0.6, 10);
    expect(correlated[0]).toBeGreaterThan(oneWitness[0]);
    expect(correlated[0]).toBeLessThan(independent[0]);
    expect(combineTrackProbabilities(perTrack)).toEqual(oneWitness);
  });

  it('shrinks a set towards uniform by ε·(n − 1)/n, leaving a single track as it is', () => {
    const calibration = { correlation: 0, shrinkage: 0.2 };
    expect(combineListener([[0.7, 0.3]], calibration)[0]).toBeCloseTo(0.7, 10);
    const ten = Array.from({ length: 10 }, () => [0.9, 0.1]);
    const product = combineListener(ten, { correlation: 0, shrinkage: 0 });
    const shrunk = combineListener(ten, calibration);
    expect(shrunk[0]).toBeCloseTo(0.82 * product[0] + 0.18 / 2, 10);
  });
});

describe('expectedCalibrationError', () => {
  it('is 0 when confidence matches accuracy and the gap when it does not', () => {
    const probabilities = Array.from({ length: 10 }, () => [0.8, 0.2]);
    const truth = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    expect(expectedCalibrationError(probabilities, truth)).toBeCloseTo(0, 10);
    expect(expectedCalibrationError(probabilities, new Array<number>(10).fill(0))).toBeCloseTo(
      0.2,
      10,
    );
  });
});

describe('evaluateSplit', () => {
  it('computes accuracy, top-2, per-mood precision/recall, macro-F1 and the confusion matrix', () => {
    const probabilities = [
      [0.9, 0.1, 0],
      [0.8, 0.2, 0],
      [0.3, 0.7, 0],
      [0.6, 0.1, 0.3],
    ];
    const metrics = evaluateSplit(
      probabilities,
      [0, 0, 1, 1],
      ['A', 'B', 'C'],
      ['p', 'p', 'q', 'q'],
    );
    expect(metrics.accuracy).toBe(0.75);
    expect(metrics.top2_accuracy).toBe(0.75); // the last row ranks B third
    expect(metrics.confusion_matrix.matrix).toEqual([
      [2, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
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
      { seed: 3, setsPerGroup: 5 },
    );
    expect(metrics.listener_sets).toBe(5);
    expect(metrics.listener_accuracy_10).toBe(1);
  });
});
