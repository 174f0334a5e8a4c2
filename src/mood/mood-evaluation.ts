/** Held-out metrics of a mood model. Pure functions, shared by the trainer and its tests. */
import { argmax, round, seededRandom, shuffled } from '../common/numeric';

export interface MoodClassMetrics {
  precision: number;
  recall: number;
  support: number;
}

export interface MoodSplitMetrics {
  /** Number of held-out tracks. */
  tracks: number;
  accuracy: number;
  /** Share of tracks whose mood is among the two most likely. */
  top2_accuracy: number;
  macro_f1: number;
  /** Expected calibration error of the per-track probabilities (15 bins). */
  ece: number;
  per_mood: Record<string, MoodClassMetrics>;
  /** rows: true mood, columns: predicted mood, both in `labels` order. */
  confusion_matrix: { labels: string[]; matrix: number[][] };
  /**
   * Accuracy of the listener's mood from 10 random held-out tracks of one group (a playlist),
   * combined as predict_mood combines them (combineListener) and, for comparison, by the majority
   * vote of per-track winners that the original service used.
   */
  listener_accuracy_10: number | null;
  listener_accuracy_10_majority_vote: number | null;
  /** Calibration error of the listener's confidence over the same 10-track sets. */
  listener_ece_10: number | null;
  /** Mean listener confidence over those sets: above listener_accuracy_10 is over-confident. */
  listener_confidence_10: number | null;
  /** Mean per-track top probability: above `accuracy` is over-confident. */
  mean_confidence: number;
  listener_sets: number;
}

/**
 * The geometric mean of the per-track probabilities, renormalised: the listener's mood as models
 * saved before set calibration report it (combineListener with GEOMETRIC_MEAN).
 */
export function combineTrackProbabilities(perTrack: number[][]): number[] {
  return combineListener(perTrack, GEOMETRIC_MEAN);
}

export function majorityVote(perTrack: number[][]): number {
  const votes = new Array<number>(perTrack[0].length).fill(0);
  for (const probabilities of perTrack) votes[argmax(probabilities)]++;
  return argmax(votes);
}

/** How a set of tracks combines into the listener's mood (both fitted out of fold). */
export interface SetCalibration {
  /**
   * ρ: tracks of one set share its mood and style, so n tracks carry the evidence of
   * n_eff = n / (1 + (n − 1)·ρ) independent ones. ρ = 1 is the geometric mean, ρ = 0 the product.
   */
  correlation: number;
  /**
   * ε: a whole set can mislead the model (a playlist unlike any it learnt from), so a share
   * ε·(n − 1)/n of the combined probability is spread evenly over the moods. 0 for one track, whose
   * probabilities are already calibrated.
   */
  shrinkage: number;
}

/** Models saved without a set calibration combine by the geometric mean. */
export const GEOMETRIC_MEAN: SetCalibration = { correlation: 1, shrinkage: 0 };

/**
 * The listener's mood with a confidence that means what it says: the tracks' log-probabilities
 * summed with n_eff / n weight each (see SetCalibration), then shrunk towards uniform. The winner
 * does not depend on either parameter.
 */
export function combineListener(perTrack: number[][], calibration: SetCalibration): number[] {
  const n = perTrack.length;
  const effective = n / (1 + (n - 1) * calibration.correlation);
  const width = perTrack[0].length;
  const logits = new Array<number>(width).fill(0);
  for (const probabilities of perTrack) {
    for (let j = 0; j < width; j++) {
      logits[j] += (effective * Math.log(Math.max(probabilities[j], 1e-7))) / n;
    }
  }
  const shrinkage = (calibration.shrinkage * (n - 1)) / n;
  return softmax(logits).map((p) => (1 - shrinkage) * p + shrinkage / width);
}

export function softmax(logits: readonly number[]): number[] {
  const top = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

/** Mood indices from most to least likely. */
export const ranked = (probabilities: readonly number[]): number[] =>
  probabilities.map((_, j) => j).sort((a, b) => probabilities[b] - probabilities[a]);

/**
 * Expected calibration error: tracks binned by their top probability (15 equal-width bins); the
 * row-weighted mean gap between each bin's accuracy and its mean confidence.
 */
export function expectedCalibrationError(
  probabilities: number[][],
  truth: number[],
  bins = 15,
): number {
  const count = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  probabilities.forEach((p, i) => {
    const best = argmax(p);
    const bin = Math.min(bins - 1, Math.floor(p[best] * bins));
    count[bin]++;
    confidence[bin] += p[best];
    if (best === truth[i]) correct[bin]++;
  });
  const total = probabilities.length || 1;
  return count.reduce(
    (sum, n, b) => (n ? sum + (n / total) * Math.abs(correct[b] / n - confidence[b] / n) : sum),
    0,
  );
}

/** Sets of `size` random tracks from each group (a playlist), `perGroup` per group. */
export function sampleListenerSets(
  groups: readonly string[],
  size: number,
  perGroup: number,
  seed: number,
): number[][] {
  const byGroup = new Map<string, number[]>();
  groups.forEach((group, i) => byGroup.set(group, [...(byGroup.get(group) ?? []), i]));
  const random = seededRandom(seed);
  const sets: number[][] = [];
  for (const group of [...byGroup.keys()].sort()) {
    const members = byGroup.get(group)!;
    if (members.length < size) continue;
    for (let s = 0; s < perGroup; s++) sets.push(shuffled(members, random).slice(0, size));
  }
  return sets;
}

export interface MoodSplitOptions {
  /** How sets combine (combineListener); a map gives it per group. Default: GEOMETRIC_MEAN. */
  setCalibration?: SetCalibration | ReadonlyMap<string, SetCalibration>;
  setsPerGroup?: number;
  seed?: number;
}

/**
 * Held-out metrics from per-track probabilities: accuracy, top-2, macro-F1, per-mood
 * precision/recall, confusion matrix, calibration (ECE), and the listener's mood from 10 random
 * tracks of one group, combined as predict_mood combines them and, for comparison, by majority vote
 * of per-track winners.
 */
export function evaluateSplit(
  probabilities: number[][],
  truth: number[],
  labels: string[],
  groups: string[],
  options: MoodSplitOptions = {},
): MoodSplitMetrics {
  const { setCalibration = GEOMETRIC_MEAN, setsPerGroup = 40, seed = 1 } = options;
  const k = labels.length;
  const matrix = labels.map(() => new Array<number>(k).fill(0));
  let topTwo = 0;
  probabilities.forEach((p, i) => {
    matrix[truth[i]][argmax(p)]++;
    if (ranked(p).slice(0, 2).includes(truth[i])) topTwo++;
  });
  const correct = labels.reduce((sum, _, j) => sum + matrix[j][j], 0);
  const perMood: Record<string, MoodClassMetrics> = {};
  const f1s: number[] = [];
  labels.forEach((label, j) => {
    const support = matrix[j].reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((sum, row) => sum + row[j], 0);
    const precision = predicted ? matrix[j][j] / predicted : 0;
    const recall = support ? matrix[j][j] / support : 0;
    perMood[label] = { precision: round(precision), recall: round(recall), support };
    if (support > 0)
      f1s.push(precision + recall ? (2 * precision * recall) / (precision + recall) : 0);
  });

  const sets = sampleListenerSets(groups, 10, setsPerGroup, seed);
  const combined: number[][] = [];
  const setTruth: number[] = [];
  let byVote = 0;
  for (const set of sets) {
    const perTrack = set.map((i) => probabilities[i]);
    const calibration: SetCalibration = isCalibrationMap(setCalibration)
      ? (setCalibration.get(groups[set[0]]) ?? GEOMETRIC_MEAN)
      : setCalibration;
    combined.push(combineListener(perTrack, calibration));
    setTruth.push(truth[set[0]]);
    if (majorityVote(perTrack) === truth[set[0]]) byVote++;
  }
  const byCombination = combined.filter((p, s) => argmax(p) === setTruth[s]).length;
  const n = truth.length;
  return {
    tracks: n,
    accuracy: round(n ? correct / n : 0),
    top2_accuracy: round(n ? topTwo / n : 0),
    macro_f1: round(f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : 0),
    ece: round(expectedCalibrationError(probabilities, truth)),
    per_mood: perMood,
    confusion_matrix: { labels, matrix },
    listener_accuracy_10: sets.length ? round(byCombination / sets.length) : null,
    listener_accuracy_10_majority_vote: sets.length ? round(byVote / sets.length) : null,
    listener_ece_10: sets.length ? round(expectedCalibrationError(combined, setTruth)) : null,
    listener_confidence_10: sets.length ? round(meanTop(combined)) : null,
    mean_confidence: round(meanTop(probabilities)),
    listener_sets: sets.length,
  };
}

const isCalibrationMap = (
  value: SetCalibration | ReadonlyMap<string, SetCalibration>,
): value is ReadonlyMap<string, SetCalibration> => value instanceof Map;

const meanTop = (probabilities: number[][]): number =>
  probabilities.reduce((sum, p) => sum + Math.max(...p), 0) / Math.max(1, probabilities.length);
