import { seededRandom, shuffled } from '../common/numeric';

/** One labelled training row, already reduced to what the trainer needs. */
export interface LabelledRow {
  /** The 13 audio features in AUDIO_FEATURES order, NaN where missing (see audioFeatureVector). */
  inputs: number[];
  /** Index into the run's labels. */
  label: number;
  id?: string;
  playlist?: string;
}

/** One fold: rows to train on, rows to score. No group and no track id is on both sides. */
export interface Fold {
  train: number[];
  test: number[];
}

/**
 * How rows are grouped so that related tracks never sit on both sides of a fold: by `playlist`
 * where rows name one (a playlist's mood is a property of the whole set, so its tracks are not
 * independent), otherwise by `upload_order_blocks`: each mood's rows, in upload order, cut into
 * as many contiguous blocks as there are folds (labelled datasets are exported playlist by
 * playlist, so neighbouring rows tend to share one).
 */
export type GroupingRule = 'playlist' | 'upload_order_blocks';

export interface GroupedFolds {
  rule: GroupingRule;
  /** Group of each row. */
  groups: string[];
  folds: Fold[];
}

/** Each mood needs this many rows so that some can be held out for testing and validation. */
export const MIN_ROWS_PER_MOOD = 5;

export function groupRows(
  rows: LabelledRow[],
  blocks: number,
): Pick<GroupedFolds, 'rule' | 'groups'> {
  if (rows.length > 0 && rows.every((row) => row.playlist)) {
    return { rule: 'playlist', groups: rows.map((row) => `playlist:${row.playlist}`) };
  }
  const byLabel = new Map<number, number[]>();
  rows.forEach((row, i) => byLabel.set(row.label, [...(byLabel.get(row.label) ?? []), i]));
  const groups = new Array<string>(rows.length);
  for (const [label, members] of byLabel) {
    members.forEach((i, position) => {
      const block = Math.floor((position * blocks) / members.length);
      groups[i] = `mood:${label}/block:${block}`;
    });
  }
  return { rule: 'upload_order_blocks', groups };
}

/**
 * k folds over whole groups, balanced per mood: each mood's groups (in a seeded order) go to the
 * fold that holds the fewest rows of that mood so far. A fold's training side also drops rows whose
 * track id occurs on its test side (a track in two playlists).
 */
export function groupedFolds(rows: LabelledRow[], k: number, seed: number): GroupedFolds {
  const { rule, groups } = groupRows(rows, k);
  const members = new Map<string, number[]>();
  groups.forEach((group, i) => members.set(group, [...(members.get(group) ?? []), i]));
  const folds = Math.max(2, Math.min(k, members.size));
  const labelOf = (group: string) => rows[members.get(group)![0]].label;
  const random = seededRandom(seed);
  const order = shuffled([...members.keys()].sort(), random).sort(
    (a, b) => labelOf(a) - labelOf(b) || members.get(b)!.length - members.get(a)!.length,
  );
  const foldOf = new Map<string, number>();
  const moodRows = new Map<number, number[]>();
  const totalRows = new Array<number>(folds).fill(0);
  for (const group of order) {
    const label = labelOf(group);
    const counts = moodRows.get(label) ?? new Array<number>(folds).fill(0);
    let best = 0;
    for (let f = 1; f < folds; f++) {
      if (
        counts[f] < counts[best] ||
        (counts[f] === counts[best] && totalRows[f] < totalRows[best])
      )
        best = f;
    }
    const size = members.get(group)!.length;
    counts[best] += size;
    totalRows[best] += size;
    moodRows.set(label, counts);
    foldOf.set(group, best);
  }
  const assignment = groups.map((group) => foldOf.get(group)!);
  return {
    rule,
    groups,
    folds: Array.from({ length: folds }, (_, f) =>
      foldAround(
        rows,
        rows.map((_, i) => i).filter((i) => assignment[i] === f),
      ),
    ).filter((fold) => fold.test.length > 0),
  };
}

/** One fold per group: every playlist (or block) is scored by a model that never saw it. */
export function leaveOneGroupOut(rows: LabelledRow[], groups: string[]): Fold[] {
  const members = new Map<string, number[]>();
  groups.forEach((group, i) => members.set(group, [...(members.get(group) ?? []), i]));
  return [...members.keys()].sort().map((group) => foldAround(rows, members.get(group)!));
}

/** The fold that scores `test`: training on every other row except copies of a test track. */
function foldAround(rows: LabelledRow[], test: number[]): Fold {
  const inTest = new Set(test);
  const testIds = new Set(test.map((i) => rows[i].id).filter(Boolean));
  const train = rows
    .map((_, i) => i)
    .filter((i) => !inTest.has(i) && !(rows[i].id && testIds.has(rows[i].id)));
  return { train, test };
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

/**
 * Problems that leave cross-validation nothing to do even though every mood has enough rows: every
 * row in one group, or a fold whose training side has a single mood. Checked before a run starts.
 */
export function foldProblems(rows: LabelledRow[], k: number, seed: number): string[] {
  const { folds, rule } = groupedFolds(rows, k, seed);
  if (folds.length < 2) {
    return [
      `all usable tracks fall in one ${rule === 'playlist' ? 'playlist' : 'group'}; cross-validation needs at least two`,
    ];
  }
  const singleMood = folds
    .map((fold, f) => ({ f, moods: new Set(fold.train.map((i) => rows[i].label)).size }))
    .filter(({ moods }) => moods < 2)
    .map(({ f }) => f + 1);
  if (singleMood.length === 0) return [];
  const held = rule === 'playlist' ? 'whole playlists' : 'whole blocks of tracks';
  return [
    `cross-validation fold ${singleMood.join(', ')} of ${folds.length} would train on a single mood (${held}, and every copy of their tracks, are held out together): the moods need more playlists or tracks`,
  ];
}
