import { expectedCalibrationError, seededRandom, softmax } from '../mood-evaluation';
import { fitSetCorrelation, fitTemperature } from './calibration';

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

describe('fitSetCorrelation', () => {
  const perTrack = (p: number[], n: number) => Array.from({ length: n }, () => p);

  it('is near 1 when every track of a set says the same thing (one witness, repeated)', () => {
    // Each group repeats one prediction, right 60 % of the time: summing its copies would be
    // over-confident, so the fit must discount them completely.
    const probabilities: number[][] = [];
    const truth: number[] = [];
    const groups: string[] = [];
    for (let g = 0; g < 50; g++) {
      const right = g % 5 < 3;
      const p = right ? [0.6, 0.4] : [0.4, 0.6];
      probabilities.push(...perTrack(p, 20));
      truth.push(...new Array<number>(20).fill(0));
      groups.push(...new Array<string>(20).fill(`g${g}`));
    }
    expect(fitSetCorrelation(probabilities, truth, groups, 1)).toBeGreaterThan(0.9);
  });

  it('is near 0 when the tracks are independent witnesses', () => {
    const random = seededRandom(3);
    const probabilities: number[][] = [];
    const truth: number[] = [];
    const groups: string[] = [];
    for (let g = 0; g < 50; g++) {
      for (let t = 0; t < 20; t++) {
        // Each track independently right 60 % of the time, and says so.
        probabilities.push(random() < 0.6 ? [0.6, 0.4] : [0.4, 0.6]);
        truth.push(0);
        groups.push(`g${g}`);
      }
    }
    expect(fitSetCorrelation(probabilities, truth, groups, 1)).toBeLessThan(0.15);
  });
});
