import {
  datasetProblems,
  foldProblems,
  groupedFolds,
  type LabelledRow,
  leaveOneGroupOut,
} from './mood-dataset-split';

/** Three moods in 2, 3 and 1 playlists; one track sits in two playlists of mood 0. */
function rows(): LabelledRow[] {
  const out: LabelledRow[] = [];
  for (const [label, playlists] of [
    [0, ['a1', 'a2']],
    [1, ['b1', 'b2', 'b3']],
    [2, ['c1']],
  ] as const) {
    for (const playlist of playlists) {
      for (let i = 0; i < 20; i++)
        out.push({ inputs: [i], label, playlist, id: `${playlist}-${i}` });
    }
  }
  out.push(
    { inputs: [0], label: 0, playlist: 'a1', id: 'shared' },
    { inputs: [0], label: 0, playlist: 'a2', id: 'shared' },
  );
  return out;
}

/** No playlist and no track id on both sides of any fold. */
function expectSeparated(data: LabelledRow[], folds: Array<{ train: number[]; test: number[] }>) {
  for (const fold of folds) {
    const testPlaylists = new Set(fold.test.map((i) => data[i].playlist));
    const testIds = new Set(fold.test.map((i) => data[i].id));
    for (const i of fold.train) {
      expect(testPlaylists.has(data[i].playlist)).toBe(false);
      expect(testIds.has(data[i].id)).toBe(false);
    }
  }
}

describe('groupedFolds', () => {
  it('never puts a playlist or a track on both sides, and scores every row once', () => {
    const data = rows();
    const { folds, rule } = groupedFolds(data, 3, 7);
    expect(rule).toBe('playlist');
    expect(folds).toHaveLength(3);
    expectSeparated(data, folds);
    const tested = folds.flatMap((fold) => fold.test).sort((a, b) => a - b);
    expect(tested).toEqual(data.map((_, i) => i));
  });

  it('spreads each mood over the folds', () => {
    const data = rows();
    const { folds } = groupedFolds(data, 3, 7);
    const foldsWithMood1 = folds.filter((fold) => fold.test.some((i) => data[i].label === 1));
    expect(foldsWithMood1).toHaveLength(3); // mood 1's three playlists go to three folds
  });

  it('is repeatable for one seed', () => {
    expect(groupedFolds(rows(), 3, 3)).toEqual(groupedFolds(rows(), 3, 3));
  });

  it('without playlist names, groups each mood into contiguous upload-order blocks', () => {
    const data = rows().map(({ inputs, label, id }) => ({ inputs, label, id }));
    const { folds, rule, groups } = groupedFolds(data, 4, 1);
    expect(rule).toBe('upload_order_blocks');
    expect(folds).toHaveLength(4);
    // Mood 2's 20 rows in upload order: 4 blocks of 5 neighbours.
    const mood2 = data.map((row, i) => (row.label === 2 ? groups[i] : null)).filter(Boolean);
    expect(new Set(mood2).size).toBe(4);
    expect(mood2.slice(0, 5).every((group) => group === mood2[0])).toBe(true);
  });
});

describe('nested protocol: leave one playlist out, then grouped folds inside its training rows', () => {
  it('keeps the scored playlist out of every inner fold, and separates the inner folds too', () => {
    const data = rows();
    const outer = leaveOneGroupOut(
      data,
      data.map((row) => row.playlist!),
    );
    expect(outer).toHaveLength(6);
    expectSeparated(data, outer);
    for (const fold of outer) {
      const held = data[fold.test[0]].playlist;
      expect(fold.test.every((i) => data[i].playlist === held)).toBe(true);
      const inner = fold.train.map((i) => data[i]);
      const innerFolds = groupedFolds(inner, 5, 1).folds;
      expectSeparated(inner, innerFolds);
      expect(inner.some((row) => row.playlist === held)).toBe(false);
    }
  });
});

describe('datasetProblems', () => {
  it('needs two moods', () => {
    expect(datasetProblems(new Map([['Calm', 50]]))[0]).toMatch(/at least two moods/);
  });
  it('needs enough rows of every mood', () => {
    expect(
      datasetProblems(
        new Map([
          ['Calm', 50],
          ['Sad', 4],
        ]),
      ),
    ).toEqual([expect.stringMatching(/"Sad" has 4/)]);
  });
  it('accepts a trainable dataset', () => {
    expect(
      datasetProblems(
        new Map([
          ['Calm', 5],
          ['Sad', 5],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('foldProblems', () => {
  it('names a dataset whose tracks all sit in one playlist', () => {
    const data = rows().map((row) => ({ ...row, playlist: 'only' }));
    expect(foldProblems(data, 5, 1)).toEqual([expect.stringMatching(/one playlist/)]);
  });
  it('names a fold that would train on a single mood', () => {
    const data: LabelledRow[] = [
      ...Array.from({ length: 6 }, (_, i) => ({ inputs: [i], label: 0, playlist: 'a' })),
      ...Array.from({ length: 6 }, (_, i) => ({ inputs: [i], label: 1, playlist: 'b' })),
    ];
    expect(foldProblems(data, 5, 1)).toEqual([
      expect.stringMatching(/fold 1, 2 of 2 would train on a single mood \(whole playlists/),
    ]);
  });
  it('accepts the usual case', () => {
    expect(foldProblems(rows(), 3, 1)).toEqual([]);
  });
});
