import { datasetProblems, type LabelledRow, splitForEvaluation } from './mood-dataset-split';

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
  // A track that sits in two playlists of one mood: it must not be tested after being trained on.
  out.push(
    { inputs: [0], label: 0, playlist: 'a1', id: 'shared' },
    { inputs: [0], label: 0, playlist: 'a2', id: 'shared' },
  );
  return out;
}

describe('splitForEvaluation', () => {
  it('holds out one whole playlist per mood that has two, never training on them', () => {
    const data = rows();
    const split = splitForEvaluation(data, 7);
    expect(split.playlists).toHaveLength(2); // moods 0 and 1; mood 2 has one playlist
    const trainPlaylists = new Set(split.train.map((i) => data[i].playlist));
    for (const playlist of split.playlists) expect(trainPlaylists.has(playlist)).toBe(false);
    const trainIds = new Set(split.train.map((i) => data[i].id));
    expect(split.heldOutPlaylists.some((i) => trainIds.has(data[i].id))).toBe(false);
    // Every row lands in exactly one part, except held-out duplicates that were dropped.
    const all = [...split.train, ...split.randomTest, ...split.heldOutPlaylists];
    expect(new Set(all).size).toBe(all.length);
    expect(split.randomTest.length).toBeGreaterThan(0);
  });

  it('is repeatable for one seed', () => {
    expect(splitForEvaluation(rows(), 3)).toEqual(splitForEvaluation(rows(), 3));
  });

  it('without playlists, holds out a random share of every mood', () => {
    const data = rows().map(({ inputs, label }) => ({ inputs, label }));
    const split = splitForEvaluation(data, 1);
    expect(split.heldOutPlaylists).toEqual([]);
    expect(new Set(split.randomTest.map((i) => data[i].label))).toEqual(new Set([0, 1, 2]));
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
