import { CatalogNameIndex, nameKeyHash, type TrackNames } from './catalog-name-index';
import { nameKey, normaliseArtist, normaliseTitle } from './name-key';

/** An owner's storage as the index sees it: names by slot, changed in place as an index changes them. */
function catalog(tracks: (TrackNames | undefined)[]) {
  const index = new CatalogNameIndex((slot) => tracks[slot]!);
  const find = (artist: string, title: string) =>
    index.find(normaliseArtist(artist), normaliseTitle(title)).sort((a, b) => a - b);
  return { tracks, index, find };
}

describe('CatalogNameIndex', () => {
  it('finds a track by any spelling of its artist and title, under each credited artist', () => {
    const { index, find } = catalog([
      { title: 'Cold Water (feat. Justin Bieber & MØ)', artists: ['Major Lazer', 'Justin Bieber'] },
      { title: 'Cold Water', artists: ['Someone Else'] },
      { title: null, artists: ['No Title'] },
    ]);
    [0, 1, 2].forEach((slot) => index.add(slot));
    expect(find('MAJOR LAZER', 'Cold Water')).toEqual([0]);
    expect(find('Justin Bieber', 'cold water feat. Justin Bieber')).toEqual([0]);
    expect(find('Someone Else', 'Cold Water - 2019 Remaster')).toEqual([1]);
    expect(find('Major Lazer', 'Cold Water - Remix')).toEqual([]);
    expect(find('No Title', '')).toEqual([]);
    expect(index.size).toBe(3);
  });

  it('returns every track sharing a key, and one entry per track however its artists spell', () => {
    const { index, find } = catalog([
      { title: 'Darkside', artists: ['Alan Walker'] },
      { title: 'Darkside', artists: ['Alan Walker', 'ALAN WALKER'] },
    ]);
    index.add(0);
    index.add(1);
    expect(find('Alan Walker', 'Darkside')).toEqual([0, 1]);
    expect(index.size).toBe(2);
  });

  it('follows its owner: a removed track is gone, a renamed one is found by its new name', () => {
    const { tracks, index, find } = catalog([
      { title: 'Old Name', artists: ['Artist'] },
      { title: 'Other', artists: ['Artist'] },
    ]);
    index.add(0);
    index.add(1);
    // An upsert: out under the names it was added with, then in under the new ones.
    index.remove(0);
    tracks[0] = { title: 'New Name', artists: ['Artist'] };
    index.add(0);
    expect(find('Artist', 'Old Name')).toEqual([]);
    expect(find('Artist', 'New Name')).toEqual([0]);
    index.remove(1);
    expect(find('Artist', 'Other')).toEqual([]);
    expect(index.size).toBe(1);
  });

  it('grows past its first capacity and reuses removed entries', () => {
    const tracks = Array.from({ length: 5000 }, (_, i) => ({
      title: `Track ${i}`,
      artists: [`Artist ${i % 50}`],
    }));
    const { index, find } = catalog(tracks);
    tracks.forEach((_, slot) => index.add(slot));
    expect(find('Artist 7', 'Track 4007')).toEqual([4007]);
    expect(find('Artist 8', 'Track 4007')).toEqual([]);
    const bytes = index.byteLength;
    for (let round = 0; round < 3; round++) {
      for (let slot = 0; slot < 1000; slot++) index.remove(slot);
      for (let slot = 0; slot < 1000; slot++) index.add(slot);
    }
    expect(index.byteLength).toBe(bytes);
    expect(index.size).toBe(5000);
    expect(tracks.every((track, slot) => find(track.artists[0], track.title)[0] === slot)).toBe(
      true,
    );
  });

  it('never mixes two keys whose hashes are equal', () => {
    // Found once by hashing t0, t1, … (base 36) until two collided; the first line checks it still holds.
    const [first, second] = ['t7vl8', 'topd6'];
    expect(nameKeyHash(nameKey('artist', first))).toBe(nameKeyHash(nameKey('artist', second)));
    const { index, find } = catalog([
      { title: first, artists: ['Artist'] },
      { title: second, artists: ['Artist'] },
    ]);
    index.add(0);
    index.add(1);
    expect(find('Artist', first)).toEqual([0]);
    expect(find('Artist', second)).toEqual([1]);
    index.remove(0);
    expect(find('Artist', second)).toEqual([1]);
  });
});
