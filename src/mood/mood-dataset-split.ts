import { seededRandom, shuffled } from '../common/numeric';

/** One labelled training row, already reduced to what the trainer needs. */
export interface LabelledRow {
  /** Engineered, unscaled inputs (see mood-features.ts). */
  inputs: number[];
  /** Index into the run's labels. */
  label: number;
  id?: string;
  playlist?: string;
}

export interface EvaluationSplit {
  train: number[];
  /** Whole playlists held out (one per mood that has two or more), when the data names playlists. */
  heldOutPlaylists: number[];
  playlists: string[];
  /** A random, per-mood share of the remaining rows. */
  randomTest: number[];
}

export const RANDOM_TEST_FRACTION = 0.15;
/** Each mood needs this many rows so that some can be held out for testing and validation. */
export const MIN_ROWS_PER_MOOD = 5;

/**
 * Splits for honest metrics. A random split lets one playlist sit on both sides and flatters every
 * model, so where rows carry `playlist`, one whole playlist per mood (among moods with at least two)
 * is held out as well, and its tracks that also occur in training (same id) are dropped from it.
 */
export function splitForEvaluation(rows: LabelledRow[], seed: number): EvaluationSplit {
  const random = seededRandom(seed);
  const playlistsByLabel = new Map<number, Set<string>>();
  for (const row of rows) {
    if (row.playlist) {
      const set = playlistsByLabel.get(row.label) ?? new Set<string>();
      set.add(row.playlist);
      playlistsByLabel.set(row.label, set);
    }
  }
  const heldOut = new Set<string>();
  for (const label of [...playlistsByLabel.keys()].sort((a, b) => a - b)) {
    const playlists = [...playlistsByLabel.get(label)!].sort();
    if (playlists.length >= 2) heldOut.add(playlists[Math.floor(random() * playlists.length)]);
  }

  const remaining: number[] = [];
  const playlistTest: number[] = [];
  rows.forEach((row, i) =>
    (row.playlist && heldOut.has(row.playlist) ? playlistTest : remaining).push(i),
  );

  const byLabel = new Map<number, number[]>();
  for (const i of remaining) byLabel.set(rows[i].label, [...(byLabel.get(rows[i].label) ?? []), i]);
  const train: number[] = [];
  const randomTest: number[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const members = shuffled(byLabel.get(label)!, random);
    const testCount = Math.max(1, Math.round(members.length * RANDOM_TEST_FRACTION));
    randomTest.push(...members.slice(0, testCount));
    train.push(...members.slice(testCount));
  }
  const trainIds = new Set(train.map((i) => rows[i].id).filter(Boolean));
  const heldOutPlaylists = playlistTest.filter((i) => !rows[i].id || !trainIds.has(rows[i].id));
  return { train, heldOutPlaylists, playlists: [...heldOut].sort(), randomTest };
}

/** Problems that make a dataset untrainable, as messages for a 400 on `tracks`. */
export function datasetProblems(labelCounts: Map<string, number>): string[] {
  if (labelCounts.size < 2) {
    return [`needs tracks of at least two moods (tag); found ${labelCounts.size}`];
  }
  return [...labelCounts]
    .filter(([, count]) => count < MIN_ROWS_PER_MOOD)
    .map(
      ([mood, count]) =>
        `mood "${mood}" has ${count} usable track(s); each mood needs at least ${MIN_ROWS_PER_MOOD} to hold some out for testing`,
    );
}
