import {
  combineListener,
  GEOMETRIC_MEAN,
  sampleListenerSets,
  type SetCalibration,
  softmax,
} from '../mood-evaluation';

/**
 * Minimises a function of one variable on [low, high] by golden-section search (the negative
 * log-likelihoods below are smooth and unimodal in their parameter).
 */
function minimise(f: (v: number) => number, low: number, high: number, steps = 40): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < steps; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** Mean negative log-likelihood of the true moods. */
export function negativeLogLikelihood(probabilities: number[][], truth: number[]): number {
  let total = 0;
  probabilities.forEach((p, i) => (total -= Math.log(Math.max(p[truth[i]], 1e-12))));
  return total / Math.max(1, probabilities.length);
}

/**
 * Temperature scaling: the T that makes softmax(logits / T) best match the true moods of rows
 * the network never trained on (out-of-fold). T > 1 softens an over-confident network. Accuracy
 * is unchanged; only the probabilities move.
 */
export function fitTemperature(logits: number[][], truth: number[]): number {
  const logT = minimise(
    (v) =>
      negativeLogLikelihood(
        logits.map((row) => softmax(row.map((z) => z / Math.exp(v)))),
        truth,
      ),
    Math.log(0.05),
    Math.log(20),
  );
  return Math.exp(logT);
}

/**
 * The set calibration (ρ, ε) that makes the listener's combined confidence (combineListener) best
 * match held-out sets: random sets of 2, 5, 10 and 20 tracks of each group, scored by negative
 * log-likelihood of the group's mood. ε on a grid of 0.05 steps, ρ by golden section for each.
 */
export function fitSetCalibration(
  probabilities: number[][],
  truth: number[],
  groups: string[],
  seed: number,
): SetCalibration {
  const sets = [2, 5, 10, 20].flatMap((size) => sampleListenerSets(groups, size, 10, seed + size));
  if (sets.length === 0) return GEOMETRIC_MEAN;
  const setTruth = sets.map((set) => truth[set[0]]);
  const perTrack = sets.map((set) => set.map((i) => probabilities[i]));
  const loss = (calibration: SetCalibration) =>
    negativeLogLikelihood(
      perTrack.map((p) => combineListener(p, calibration)),
      setTruth,
    );
  let best = GEOMETRIC_MEAN;
  let bestLoss = loss(best);
  for (let step = 0; step <= 8; step++) {
    const shrinkage = step * 0.05;
    const correlation = minimise((rho) => loss({ correlation: rho, shrinkage }), 0, 1, 25);
    const candidate = { correlation, shrinkage };
    const candidateLoss = loss(candidate);
    if (candidateLoss < bestLoss) {
      best = candidate;
      bestLoss = candidateLoss;
    }
  }
  return best;
}
