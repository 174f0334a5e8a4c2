import { normaliseArtist, normaliseTitle } from '../common/listening/name-key';
import { seededRandom } from '../common/numeric';
import { randomCatalog } from '../../test/helpers/catalog-records';
import { CatalogIndex, COLUMN_COUNT } from './catalog-index';
import type { CatalogTrackRecord } from '../catalog/catalog-track';

const track = (id: string, overrides: Partial<CatalogTrackRecord> = {}): CatalogTrackRecord => ({
  id,
  name: `Song ${id}`,
  artists: [{ id: null, name: 'Extremoduro' }],
  album: { id: `album-${id}`, name: 'Agila', release_date: '1996', year: 1996 },
  popularity: 55,
  explicit: false,
  genres: ['rock'],
  features: {
    danceability: 0.565,
    energy: 0.636,
    key: 0,
    loudness: -8.198,
    mode: 1,
    speechiness: 0.0638,
    acousticness: 0.107,
    instrumentalness: 0.0000099,
    liveness: 0.447,
    valence: 0.525,
    tempo: 170.01,
    duration_ms: 179551,
    time_signature: null,
  },
  ...overrides,
});

/** The tracks that lie outside the bounds of some tree node on their path (none, when bounds hold). */
function tracksOutOfBounds(index: CatalogIndex): string[] {
  const { tree, treeSize, values, live } = index.columns();
  const outside: string[] = [];
  for (let slot = 0; slot < treeSize; slot++) {
    if (!live[slot]) continue;
    const within = tree!.pathTo(slot).every((node) => {
      for (let c = 0; c < COLUMN_COUNT; c++) {
        const v = values[slot * COLUMN_COUNT + c];
        const box = node * COLUMN_COUNT + c;
        if (
          Number.isNaN(v)
            ? (tree!.missing[node] & (1 << c)) === 0
            : v < tree!.lo[box] || v > tree!.hi[box]
        )
          return false;
      }
      return [...index.genresOf(slot)].every(
        (g) =>
          tree!.genreOverflow[node] === 1 ||
          (tree!.genreBits[node * tree!.genreWords + (g >>> 5)] & (1 << (g & 31))) !== 0,
      );
    });
    if (!within) outside.push(index.idOf(slot));
  }
  return outside;
}

describe('CatalogIndex', () => {
  it('builds from batches (sync or async) and gives every track back as imported', async () => {
    const records = randomCatalog(seededRandom(1), 500);
    // As the catalog's batched read delivers them: one batch per awaited database query.
    async function* batches() {
      for (let i = 0; i < records.length; i += 128)
        yield await Promise.resolve(records.slice(i, i + 128));
    }
    const index = await CatalogIndex.build(batches());
    expect(index.size).toBe(500);
    for (const record of records) expect(index.record(index.slotOf(record.id)!)).toEqual(record);
  });

  it('keeps Spotify-precision values exact in the track view', () => {
    const record = track('7rzvcyHkSU7v9rwM2z0cIF');
    const index = CatalogIndex.fromRecords([record]);
    const view = index.trackView(index.slotOf(record.id)!);
    expect(view.features).toEqual(record.features);
    expect(view).toMatchObject({
      uri: 'spotify:track:7rzvcyHkSU7v9rwM2z0cIF',
      duration_ms: 179551,
      popularity: 55,
      explicit: false,
    });
  });

  it('takes the last of repeated ids in a build', () => {
    const index = CatalogIndex.fromRecords([
      track('a', { popularity: 1 }),
      track('a', { popularity: 9 }),
    ]);
    expect(index.size).toBe(1);
    expect(index.record(index.slotOf('a')!).popularity).toBe(9);
  });

  it('finds artists by Spotify id or by name, and genres whatever their case and hyphens', () => {
    const index = CatalogIndex.fromRecords([
      track('a', {
        artists: [{ id: '3bgsNtcf5d5h9jbQbohfBK', name: 'Extremoduro' }],
        genres: ['hip hop'],
      }),
      track('b', { artists: [{ id: null, name: 'Fito y Fitipaldis' }], genres: ['Hip-Hop'] }),
    ]);
    expect(index.findArtists('3bgsNtcf5d5h9jbQbohfBK')).toHaveLength(1);
    expect(index.findArtists('extremoduro')).toEqual(index.findArtists('3bgsNtcf5d5h9jbQbohfBK'));
    expect(index.tracksOfArtist(index.findArtists('FITO Y FITIPALDIS')[0])).toEqual([
      index.slotOf('b'),
    ]);
    expect(index.findGenres('hip-hop')).toHaveLength(2);
    expect(index.findArtists('nobody')).toEqual([]);
  });

  it('upserts in place: changed tracks read back changed, new ones join, artists follow their tracks', () => {
    const index = CatalogIndex.fromRecords([track('a'), track('b')]);
    index.upsert([
      track('a', { artists: [{ id: null, name: 'Platero Y Tu' }], popularity: 80 }),
      track('c', { genres: ['pop'] }),
    ]);
    expect(index.size).toBe(3);
    expect(index.record(index.slotOf('a')!)).toMatchObject({
      popularity: 80,
      artists: [{ name: 'Platero Y Tu' }],
    });
    const extremoduro = index.findArtists('Extremoduro')[0];
    expect(
      index
        .tracksOfArtist(extremoduro)
        .map((slot) => index.idOf(slot))
        .sort(),
    ).toEqual(['b', 'c']);
    expect(index.findGenres('pop')).toHaveLength(1);
  });

  it('removes tracks: gone from lookups, artists and genres without tracks no longer found', () => {
    const index = CatalogIndex.fromRecords([
      track('a'),
      track('b', { artists: [{ id: null, name: 'Solo' }], genres: ['jazz'] }),
    ]);
    expect(index.remove(['b', 'unknown'])).toBe(1);
    expect(index.size).toBe(1);
    expect(index.slotOf('b')).toBeUndefined();
    expect(index.findArtists('Solo')).toEqual([]);
    expect(index.findGenres('jazz')).toEqual([]);
  });

  it('keeps every tree bound valid through upserts and removals', () => {
    const random = seededRandom(3);
    const records = randomCatalog(random, 3000);
    const index = CatalogIndex.fromRecords(records, { leafSize: 16 });
    expect(tracksOutOfBounds(index)).toEqual([]);
    index.upsert(
      randomCatalog(random, 400, { genres: 40 }).map((record, i) => ({
        ...record,
        id: records[i * 7].id,
      })),
    );
    index.remove(records.slice(0, 100).map((record) => record.id));
    expect(tracksOutOfBounds(index)).toEqual([]);
  });

  it('stores moods per track and rejects labels or probabilities it cannot hold', () => {
    const index = CatalogIndex.fromRecords([track('a'), track('b')]);
    index.setMoodLabels(['Calm', 'Energetic']);
    expect(index.setMoods(['a', 'unknown'], [1, 0], [0.8, 0.5])).toBe(1);
    const { moodLabel, moodProbability } = index.columns();
    expect(moodLabel[index.slotOf('a')!]).toBe(1);
    expect(moodProbability[index.slotOf('a')!]).toBeCloseTo(0.8);
    expect(moodLabel[index.slotOf('b')!]).toBe(-1);
    expect(() => index.setMoods(['b'], [2], [0.5])).toThrow(RangeError);
    expect(() => index.setMoods(['b'], [0], [1.5])).toThrow(RangeError);
    index.setMoodLabels(['Calm', 'Energetic']);
    expect(index.columns().moodLabel[index.slotOf('a')!]).toBe(-1);
  });

  it('rebuilds a compact copy with the same tracks and moods, and says when one is due', () => {
    const random = seededRandom(4);
    const records = randomCatalog(random, 2000);
    const index = CatalogIndex.fromRecords(records);
    index.setMoodLabels(['Calm']);
    index.setMoods([records[15].id], [0], [0.75]);
    expect(index.needsRebuild()).toBe(false);
    index.upsert(randomCatalog(random, 1200, { idPrefix: 'new' }));
    index.remove(records.slice(0, 10).map((record) => record.id));
    expect(index.needsRebuild()).toBe(true);

    const rebuilt = index.rebuilt();
    expect(rebuilt.size).toBe(index.size);
    expect(rebuilt.needsRebuild()).toBe(false);
    expect(rebuilt.columns().treeSize).toBe(index.size);
    for (const id of [records[15].id, records[1999].id, 'new000007']) {
      expect(rebuilt.record(rebuilt.slotOf(id)!)).toEqual(index.record(index.slotOf(id)!));
    }
    expect(rebuilt.columns().moodLabel[rebuilt.slotOf(records[15].id)!]).toBe(0);
    expect(rebuilt.slotOf(records[0].id)).toBeUndefined();
    expect(tracksOutOfBounds(rebuilt)).toEqual([]);
  });
});

describe('CatalogIndex as the listening resolver’s catalog', () => {
  const keys = (index: CatalogIndex, artist: string, title: string) =>
    index
      .tracksByName(normaliseArtist(artist), normaliseTitle(title))
      .map((facts) => facts.id)
      .sort();

  it('answers by id with the features read back as imported, and by artist + title', () => {
    const index = CatalogIndex.fromRecords([
      track('a', { name: 'Salir', artists: [{ id: 'x1', name: 'Extremoduro' }] }),
      track('b', { name: 'So Payaso', artists: [{ id: 'x1', name: 'Extremoduro' }] }),
    ]);
    const facts = index.trackById('a')!;
    expect(facts).toMatchObject({ id: 'a', title: 'Salir', album: 'Agila', popularity: 55 });
    expect(facts.features.instrumentalness).toBe(0.0000099);
    expect(facts.features.time_signature).toBeNull();
    expect(index.trackById('zz')).toBeUndefined();
    expect(keys(index, 'EXTREMODURO', 'salir')).toEqual(['a']);
    expect(keys(index, 'Extremoduro', 'Golfa')).toEqual([]);
    expect(index.hasArtistId('x1')).toBe(true);
    expect(index.hasArtistId('x2')).toBe(false);
    expect(index.hasArtistName(normaliseArtist('extremoduro'))).toBe(true);
  });

  it('keeps the names in step with upserts and removals, and after a rebuild', () => {
    const index = CatalogIndex.fromRecords([track('a', { name: 'Salir' })]);
    expect(keys(index, 'Extremoduro', 'Salir')).toEqual(['a']);
    index.upsert([track('a', { name: 'Golfa' }), track('c', { name: 'Salir' })]);
    expect(keys(index, 'Extremoduro', 'Golfa')).toEqual(['a']);
    expect(keys(index, 'Extremoduro', 'Salir')).toEqual(['c']);
    index.remove(['c']);
    expect(keys(index, 'Extremoduro', 'Salir')).toEqual([]);
    const rebuilt = index.rebuilt();
    expect(keys(rebuilt, 'Extremoduro', 'Golfa')).toEqual(['a']);
    rebuilt.remove(['a']);
    expect(rebuilt.hasArtistName(normaliseArtist('Extremoduro'))).toBe(false);
  });
});
