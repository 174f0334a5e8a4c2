import { CatalogIndex } from '../catalog-index/catalog-index';
import { CatalogIndexRef } from '../catalog-index/catalog-index-ref';
import type { CatalogTrackRecord } from '../catalog/catalog-track';
import { AUDIO_FEATURES } from '../common/tracks/audio-features';
import { ArtistProfiles, SOUND_FEATURES } from './artist-profiles';
import { type ArtistCoMembership, rankRelatedArtists } from './artist-relatedness';
import { RelatedArtistsService } from './related-artists.service';

type Sound = Partial<Record<(typeof SOUND_FEATURES)[number], number>>;

const QUIET: Sound = { energy: 0.2, loudness: -20, acousticness: 0.9, tempo: 80 };
const LOUD: Sound = { energy: 0.9, loudness: -4, acousticness: 0.05, tempo: 150 };

let next = 0;
/** A catalog track by `artist` (name only, or `id:name`) with these genres and sound. */
function track(artist: string, genres: string[], sound: Sound): CatalogTrackRecord {
  const [id, name] = artist.includes(':') ? artist.split(':') : [null, artist];
  const features = Object.fromEntries(AUDIO_FEATURES.map((f) => [f, 0.5])) as Record<
    string,
    number
  >;
  Object.assign(features, { key: 1, mode: 1, duration_ms: 200000, time_signature: 4 }, sound);
  return {
    id: `t${String(next++).padStart(21, '0')}`,
    name: `Song ${next}`,
    artists: [{ id, name }],
    album: { id: null, name: null, release_date: null, year: null },
    popularity: 50,
    explicit: false,
    genres,
    features: features as CatalogTrackRecord['features'],
  };
}

/** Quiet folk, its twin, a same-genre artist who sounds loud, a loud metal band, a loud folk band. */
function folkCatalog(): CatalogTrackRecord[] {
  return [
    track('Quiet', ['folk', 'indie folk'], QUIET),
    track('Quiet', ['folk', 'indie folk'], { ...QUIET, tempo: 84 }),
    track('Twin', ['folk', 'indie folk'], { ...QUIET, tempo: 82 }),
    track('Loud Folk', ['folk', 'indie folk'], LOUD),
    track('Metal', ['metal'], LOUD),
    track('Metal', ['metal', 'thrash metal'], LOUD),
    track('Pop', ['pop'], { ...QUIET, energy: 0.5 }),
  ];
}

function names(index: CatalogIndex, ranked: { artist: number }[]): string[] {
  return ranked.map(({ artist }) => index.artist(artist).name);
}

describe('ArtistProfiles', () => {
  it("pools each artist's tracks: standardised mean sound, genre weights of unit length", () => {
    const index = CatalogIndex.fromRecords(folkCatalog());
    const profiles = new ArtistProfiles(index);
    const [quiet] = index.findArtists('quiet');
    expect(profiles.tracks[quiet]).toBe(2);
    const tempo = SOUND_FEATURES.indexOf('tempo');
    const c = 10; // tempo's column in the index: the audio features come first, in order
    expect(AUDIO_FEATURES[c]).toBe('tempo');
    expect(profiles.sound[quiet * SOUND_FEATURES.length + tempo]).toBeCloseTo(
      (82 - index.mean[c]) / index.sd[c],
      5,
    );
    const weights = profiles.genreWeights.slice(
      profiles.genreStart[quiet],
      profiles.genreStart[quiet + 1],
    );
    expect(weights.reduce((sum, w) => sum + w * w, 0)).toBeCloseTo(1, 6);
    expect(profiles.genresOf(index, quiet)).toEqual(['folk', 'indie folk']);
  });

  it('weighs a genre few artists carry above one many carry', () => {
    const index = CatalogIndex.fromRecords([
      track('A', ['pop', 'shoegaze'], QUIET),
      track('B', ['pop'], QUIET),
      track('C', ['pop'], QUIET),
    ]);
    const profiles = new ArtistProfiles(index);
    const [a] = index.findArtists('A');
    const weightOf = (genre: string) => {
      for (let i = profiles.genreStart[a]; i < profiles.genreStart[a + 1]; i++) {
        if (index.genreName(profiles.genreIds[i]) === genre) return profiles.genreWeights[i];
      }
      return 0;
    };
    expect(weightOf('shoegaze')).toBeGreaterThan(weightOf('pop'));
  });
});

describe('rankRelatedArtists', () => {
  const index = CatalogIndex.fromRecords(folkCatalog());
  const profiles = new ArtistProfiles(index);
  const quiet = index.findArtists('Quiet');
  const rank = (coMembership: ArtistCoMembership | null = null, limit = 20) =>
    rankRelatedArtists(index, profiles, quiet, new Set(quiet), coMembership, limit);

  it('ranks shared genres and sound first, then genres alone, then sound alone, never the artist', () => {
    const ranked = rank();
    expect(names(index, ranked)).toEqual(['Twin', 'Loud Folk', 'Pop', 'Metal']);
    const [twin, loudFolk, pop, metal] = ranked;
    expect(twin.genres).toBeCloseTo(1, 5);
    expect(loudFolk.genres).toBeCloseTo(1, 5);
    expect(twin.sound).toBeGreaterThan(loudFolk.sound);
    expect(pop.genres).toBe(0);
    expect(pop.sound).toBeGreaterThan(metal.sound);
    expect(metal.genres).toBe(0);
    for (const artist of ranked) {
      expect(artist.score).toBeCloseTo((artist.genres + artist.sound) / 2, 10);
      expect(artist.playlists).toBeNull();
    }
  });

  it('keeps the best `limit`', () => {
    expect(names(index, rank(null, 2))).toEqual(['Twin', 'Loud Folk']);
  });

  it('counts playlists shared as one more term, where a source knows them', () => {
    const [metal] = index.findArtists('Metal');
    // Metal shares every playlist the quiet artist is in; nobody else shares one.
    const coMembership: ArtistCoMembership = {
      playlistsOf: () => 3,
      sharedPlaylists: () => new Map([[metal, 3]]),
    };
    const ranked = rank(coMembership);
    const byName = new Map(ranked.map((r) => [index.artist(r.artist).name, r]));
    expect(byName.get('Metal')!.playlists).toBeCloseTo(1, 10);
    expect(byName.get('Twin')!.playlists).toBe(0);
    // Weighted 2 against genres 1 and sound 1: metal's shared playlists lift it above loud folk.
    expect(byName.get('Metal')!.score).toBeCloseTo((0 + byName.get('Metal')!.sound + 2) / 4, 10);
    expect(names(index, ranked).indexOf('Metal')).toBeLessThan(
      names(index, ranked).indexOf('Loud Folk'),
    );
  });

  it('breaks ties by tracks, then name', () => {
    const tied = CatalogIndex.fromRecords([
      track('Seed', ['x'], QUIET),
      track('Beta', ['x'], QUIET),
      track('Alpha', ['x'], QUIET),
      track('Gamma', ['x'], QUIET),
      track('Gamma', ['x'], QUIET),
    ]);
    const seed = tied.findArtists('Seed');
    const ranked = rankRelatedArtists(
      tied,
      new ArtistProfiles(tied),
      seed,
      new Set(seed),
      null,
      20,
    );
    expect(names(tied, ranked)).toEqual(['Gamma', 'Alpha', 'Beta']);
  });
});

describe('RelatedArtistsService', () => {
  it('takes a name for one artist with its namesakes, and excludes all of them', () => {
    const ref = new CatalogIndexRef();
    ref.swap(
      CatalogIndex.fromRecords([
        ...folkCatalog(),
        track('0OdUWJ0sBjDrqHygGUXeCF:Quiet', ['folk'], QUIET),
      ]),
    );
    const related = new RelatedArtistsService(ref);
    const answer = related.relatedTo('0OdUWJ0sBjDrqHygGUXeCF');
    expect(answer.artists.map((a) => a.name)).not.toContain('Quiet');
    expect(answer.artists[0]).toMatchObject({ name: 'Twin', id: null, uri: null, type: 'artist' });
    expect(related.relatedTo('spotify:artist:0OdUWJ0sBjDrqHygGUXeCF')).toEqual(answer);
    // By name: the artists credited by that name, with or without an id, taken as one.
    const byName = related.relatedTo('  qUIET ');
    expect(byName).toEqual(related.relatedTo('Quiet'));
    expect(byName.artists.map((a) => a.name)).toEqual(['Twin', 'Loud Folk', 'Pop', 'Metal']);
  });

  it('builds the profiles again once the index changes in place, and only then', () => {
    const ref = new CatalogIndexRef();
    ref.swap(CatalogIndex.fromRecords(folkCatalog()));
    const related = new RelatedArtistsService(ref);
    const first = related.profilesOf(ref.current);
    expect(related.profilesOf(ref.current)).toBe(first);
    ref.current.upsert([
      track('7ab4GqD0D2Hu0nZJUlxfeu:Newcomer', ['folk', 'indie folk'], { ...QUIET, tempo: 82 }),
    ]);
    expect(related.profilesOf(ref.current)).not.toBe(first);
    const answer = related.relatedTo('Quiet');
    expect(answer.artists[0]).toMatchObject({
      name: 'Newcomer',
      id: '7ab4GqD0D2Hu0nZJUlxfeu',
      uri: 'spotify:artist:7ab4GqD0D2Hu0nZJUlxfeu',
      href: 'https://api.spotify.com/v1/artists/7ab4GqD0D2Hu0nZJUlxfeu',
      external_urls: { spotify: 'https://open.spotify.com/artist/7ab4GqD0D2Hu0nZJUlxfeu' },
      genres: ['folk', 'indie folk'],
    });
  });

  it('is 404 ARTIST_NOT_FOUND for an unknown artist and 503 CATALOG_LOADING before the index loads', () => {
    const ref = new CatalogIndexRef();
    expect(() => new RelatedArtistsService(ref).relatedTo('Quiet')).toThrow(
      expect.objectContaining({ code: 'CATALOG_LOADING', status: 503 }),
    );
    ref.swap(CatalogIndex.fromRecords(folkCatalog()));
    expect(() => new RelatedArtistsService(ref).relatedTo('Nobody')).toThrow(
      expect.objectContaining({ code: 'ARTIST_NOT_FOUND', status: 404 }),
    );
  });
});
