import { seededRandom } from '../../common/numeric';
import { combineListener, expectedCalibrationError, softmax } from '../mood-evaluation';
import { fitSetCalibration, fitTemperature } from './calibration';

/** Rows whose true probabilities come from `logits`, with moods drawn from them. */
function synthetic(count: number, seed: number): { logits: number[][]; truth: number[] } {
  const random = seededRandom(seed);
  const logits: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < count; i++) {
    const row = [0, 1, 2].map(() => (random() - 0.5) * 3);
    const p = softmax(row);
    const u = random();
    truth.push(u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2);
    logits.push(row);
  }
  return { logits, truth };
}

describe('fitTemperature', () => {
  it('finds the over-confidence of a network and removes most of its calibration error', () => {
    const { logits, truth } = synthetic(4000, 11);
    // An over-confident network: logits three times too large.
    const overconfident = logits.map((row) => row.map((z) => z * 3));
    const temperature = fitTemperature(overconfident, truth);
    expect(temperature).toBeGreaterThan(2.4);
    expect(temperature).toBeLessThan(3.6);
    const before = expectedCalibrationError(overconfident.map(softmax), truth);
    const after = expectedCalibrationError(
      overconfident.map((row) => softmax(row.map((z) => z / temperature))),
      truth,
    );
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(before / 3);
  });

  it('leaves a calibrated network nearly alone', () => {
    const { logits, truth } = synthetic(4000, 5);
    expect(fitTemperature(logits, truth)).toBeCloseTo(1, 0);
  });
});

describe('fitSetCalibration', () => {
  /** 50 groups of 20 tracks, all of mood 0; `track(g, t)` gives each track's probabilities. */
  function groupsOf(track: (g: number, t: number) => number[]) {
    const probabilities: number[][] = [];
    const groups: string[] = [];
    for (let g = 0; g < 50; g++) {
      for (let t = 0; t < 20; t++) {
        probabilities.push(track(g, t));
        groups.push(`g${g}`);
      }
    }
    return { probabilities, truth: new Array<number>(1000).fill(0), groups };
  }

  it('finds ρ near 1 when every track of a set repeats one witness', () => {
    // Each group repeats one prediction, right 60 % of the time: summing its copies would be
    // over-confident, so the fit must discount them completely.
    const { probabilities, truth, groups } = groupsOf((g) => (g % 5 < 3 ? [0.6, 0.4] : [0.4, 0.6]));
    const fitted = fitSetCalibration(probabilities, truth, groups, 1);
    expect(fitted.correlation).toBeGreaterThan(0.9);
    expect(fitted.shrinkage).toBe(0);
  });

  it('finds ρ near 0 when the tracks are independent witnesses', () => {
    const random = seededRandom(3);
    const { probabilities, truth, groups } = groupsOf(() =>
      random() < 0.6 ? [0.6, 0.4] : [0.4, 0.6],
    );
    const fitted = fitSetCalibration(probabilities, truth, groups, 1);
    expect(fitted.correlation).toBeLessThan(0.15);
    expect(fitted.shrinkage).toBeLessThanOrEqual(0.05);
  });

  it('shrinks towards uniform when whole sets mislead (a playlist unlike the training ones)', () => {
    // Independent tracks, but one group in five points the wrong way throughout.
    const random = seededRandom(5);
    const { probabilities, truth, groups } = groupsOf((g) => {
      const right = random() < 0.6;
      const p = right ? [0.6, 0.4] : [0.4, 0.6];
      return g % 5 === 0 ? [p[1], p[0]] : p;
    });
    const fitted = fitSetCalibration(probabilities, truth, groups, 1);
    expect(fitted.shrinkage).toBeGreaterThanOrEqual(0.2);
    const tenTracks = probabilities.slice(20, 30);
    const confidence = Math.max(...combineListener(tenTracks, fitted));
    // Four sets in five are right: the combined confidence must not claim more than that allows.
    expect(confidence).toBeLessThan(0.95);
  });
});
