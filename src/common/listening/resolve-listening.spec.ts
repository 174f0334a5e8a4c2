import { RecordsCatalogLookup } from '../../../test/helpers/records-catalog-lookup';
import type { CatalogTrackRecord } from '../../catalog/catalog-track';
import { AUDIO_FEATURES } from '../tracks/audio-features';
import type { ListeningRow } from './listening-row';
import { parseListeningBody } from './parse-listening-body';
import { SHORT_PLAY } from './play-signal';
import {
  NO_CATALOG_FEATURES,
  NO_NAME_MATCH,
  NOT_IN_CATALOG,
  resolveListening,
} from './resolve-listening';

/** A catalog track whose features are all `value` (so where a feature came from shows). */
function record(
  id: string,
  name: string,
  artist: string,
  fields: Partial<CatalogTrackRecord> & { value?: number | null } = {},
): CatalogTrackRecord {
  const { value = 0.5, ...rest } = fields;
  return {
    id,
    name,
    artists: [{ id: null, name: artist }],
    album: { id: null, name: `${name} (Album)`, release_date: null, year: null },
    popularity: 50,
    explicit: null,
    genres: [],
    features: Object.fromEntries(
      AUDIO_FEATURES.map((feature) => [
        feature,
        feature === 'duration_ms' && value !== null ? 200_000 : value,
      ]),
    ) as CatalogTrackRecord['features'],
    ...rest,
  };
}

const id = (n: number) => `${String(n).padStart(2, '0')}${'a'.repeat(20)}`;

const CATALOG = [
  record(id(1), 'Cold Water (feat. Justin Bieber & MØ)', 'Major Lazer'),
  record(id(2), 'Lean On', 'Major Lazer', { value: 0.25 }),
  record(id(3), 'Tiësto Anthem', 'Tiësto'),
  record(id(4), 'Blank', 'Nobody', { value: null }),
  {
    ...record(id(5), 'Ghost', 'Artist With Id'),
    artists: [{ id: '0w7HLMvZOHatWVbAKee1zF', name: 'Artist With Id' }],
  },
];

const resolve = (rows: ListeningRow[], records = CATALOG) =>
  resolveListening(rows, new RecordsCatalogLookup(records));
const rowsOf = (body: unknown) => parseListeningBody(body).rows;

describe('resolveListening', () => {
  it('takes own features first, filling what a row lacks from the catalog track its id names', () => {
    const { rows, resolved } = resolve(rowsOf([{ id: id(2), energy: 0.9, valence: 0.1 }]));
    expect(rows[0]).toMatchObject({ resolvedBy: 'features', catalogId: id(2), artistKnown: true });
    expect(rows[0].features).toEqual({
      ...Object.fromEntries(AUDIO_FEATURES.map((f) => [f, f === 'duration_ms' ? 200_000 : 0.25])),
      energy: 0.9,
      valence: 0.1,
    });
    expect(rows[0].filledFromCatalog).toEqual(
      AUDIO_FEATURES.filter((f) => f !== 'energy' && f !== 'valence'),
    );
    expect(resolved).toEqual({ given: 1, by_id: 0, by_name: 0, unresolved: 0 });
  });

  it('keeps own features as they are where the catalog lacks the track', () => {
    const { rows, skipped } = resolve(rowsOf([{ id: 'made-up-id', energy: 0.9 }]));
    expect(rows[0]).toMatchObject({ resolvedBy: 'features', features: { energy: 0.9 } });
    expect(rows[0].catalogId).toBeUndefined();
    expect(skipped).toEqual([]);
  });

  it("takes the catalog's features, artists, title and album for an id", () => {
    const { rows, resolved } = resolve(rowsOf([`spotify:track:${id(2)}`]));
    expect(rows[0]).toMatchObject({
      resolvedBy: 'id',
      catalogId: id(2),
      title: 'Lean On',
      album: 'Lean On (Album)',
      artists: [{ id: null, name: 'Major Lazer' }],
      signal: 'listen',
    });
    expect(rows[0].features?.energy).toBe(0.25);
    expect(resolved).toEqual({ given: 0, by_id: 1, by_name: 0, unresolved: 0 });
  });

  it('never matches by name a row whose id the catalog lacks', () => {
    const play = { id: id(9), name: 'Lean On', artists: [{ id: null, name: 'Major Lazer' }] };
    const { rows, skipped } = resolve(rowsOf([play]));
    expect(rows[0]).toMatchObject({ unused: NOT_IN_CATALOG, artistKnown: true });
    expect(rows[0].resolvedBy).toBeUndefined();
    expect(skipped).toEqual([{ row: 0, path: 'tracks[0]', id: id(9), reason: NOT_IN_CATALOG }]);
  });

  it('matches rows without an id by normalised artist and title', () => {
    const { rows, resolved } = resolve(
      rowsOf([
        {
          endTime: '2026-03-01 10:00',
          artistName: 'MAJOR LAZER',
          trackName: 'Cold Water',
          msPlayed: 200000,
        },
        {
          endTime: '2026-03-01 10:04',
          artistName: 'Tiesto',
          trackName: 'tiesto anthem - 2011 remaster',
          msPlayed: 200000,
        },
        {
          endTime: '2026-03-01 10:08',
          artistName: 'Major Lazer feat. MØ',
          trackName: 'Lean On',
          msPlayed: 200000,
        },
      ]),
    );
    expect(rows.map((row) => [row.resolvedBy, row.catalogId])).toEqual([
      ['name', id(1)],
      ['name', id(3)],
      ['name', id(2)],
    ]);
    expect(resolved).toEqual({ given: 0, by_id: 0, by_name: 3, unresolved: 0 });
  });

  it('leaves a title the catalog lacks unresolved, even by a known artist, keeping the artist', () => {
    const { rows, skipped, resolved } = resolve(
      rowsOf([
        {
          endTime: '2026-03-01 10:00',
          artistName: 'Major Lazer',
          trackName: 'Cold Water - Remix',
          msPlayed: 200000,
        },
        {
          endTime: '2026-03-01 10:04',
          artistName: 'Unknown Band',
          trackName: 'Lean On',
          msPlayed: 200000,
        },
        { name: 'Other', artists: [{ id: '0w7HLMvZOHatWVbAKee1zF', name: 'Renamed' }] },
      ]),
    );
    expect(rows.map((row) => [row.unused, row.artistKnown])).toEqual([
      [NO_NAME_MATCH, true],
      [NO_NAME_MATCH, false],
      [NO_NAME_MATCH, true],
    ]);
    expect(skipped.map((skip) => skip.row)).toEqual([0, 1, 2]);
    expect(resolved).toEqual({ given: 0, by_id: 0, by_name: 0, unresolved: 3 });
  });

  describe('where several catalog tracks share a name key', () => {
    const twins = [
      record(id(10), 'Darkside', 'Alan Walker', {
        popularity: 71,
        album: { id: null, name: 'Darkside', release_date: null, year: null },
      }),
      record(id(11), 'Darkside', 'Alan Walker', {
        popularity: 76,
        album: { id: null, name: 'Different World', release_date: null, year: null },
      }),
      record(id(12), 'Darkside (feat. Au/Ra)', 'Alan Walker', { popularity: 90 }),
      record(id(13), 'Darkside', 'Alan Walker', { popularity: 76 }),
    ];
    const choose = (play: object) => {
      const forwards = resolve(rowsOf([play]), twins).rows[0].catalogId;
      const backwards = resolve(rowsOf([play]), [...twins].reverse()).rows[0].catalogId;
      expect(backwards).toBe(forwards);
      return forwards;
    };

    it("prefers the row's album", () => {
      expect(
        choose({
          name: 'Darkside',
          artists: [{ name: 'Alan Walker' }],
          album: { name: 'DARKSIDE' },
        }),
      ).toBe(id(10));
      expect(
        choose({
          name: 'Darkside (feat. Au/Ra)',
          artists: [{ name: 'Alan Walker' }],
          album: { name: 'Different World' },
        }),
      ).toBe(id(11));
    });

    it('then the spelling of the title, then popularity, then the smallest id', () => {
      expect(choose({ name: 'darkside (feat. au/ra)', artists: [{ name: 'Alan Walker' }] })).toBe(
        id(12),
      );
      // 11 and 13 are as popular as each other, more than 10; 11 has the smaller id.
      expect(choose({ name: 'Darkside', artists: [{ name: 'Alan Walker' }] })).toBe(id(11));
    });
  });

  it('lists unusable rows with their reason and counts only track rows', () => {
    const { rows, skipped, resolved } = resolve(
      rowsOf([
        `spotify:episode:${id(1)}`,
        { is_local: true, uri: 'spotify:local:a:b:c:1', name: 'Song' },
        { id: id(4) },
      ]),
    );
    expect(skipped.map((skip) => [skip.row, skip.reason])).toEqual([
      [0, 'a podcast episode, not music'],
      [1, 'a local file, not on Spotify'],
      [2, NO_CATALOG_FEATURES],
    ]);
    expect(rows.map((row) => row.signal)).toEqual(['none', 'none', 'listen']);
    expect(resolved).toEqual({ given: 0, by_id: 0, by_name: 0, unresolved: 1 });
  });

  it('resolves short plays and skips, listing a short play as no listen and a skip as a skip', () => {
    const play = (ms: number, reason: string, skipped = false) => ({
      ts: '2026-03-01T10:00:00Z',
      ms_played: ms,
      spotify_track_uri: `spotify:track:${id(2)}`,
      master_metadata_track_name: 'Lean On',
      master_metadata_album_artist_name: 'Major Lazer',
      reason_end: reason,
      skipped,
    });
    const { rows, skipped, resolved } = resolve(
      rowsOf([
        play(200_000, 'trackdone'),
        play(4_000, 'trackdone'),
        play(12_000, 'fwdbtn', true),
        // After 30 s but before half of the catalog's 200 s: an early skip.
        play(80_000, 'fwdbtn'),
        play(120_000, 'fwdbtn'),
      ]),
    );
    expect(rows.map((row) => [row.resolvedBy, row.signal])).toEqual([
      ['id', 'listen'],
      ['id', 'none'],
      ['id', 'skip'],
      ['id', 'skip'],
      ['id', 'listen'],
    ]);
    expect(skipped).toEqual([{ row: 1, path: 'tracks[1]', id: id(2), reason: SHORT_PLAY }]);
    expect(resolved.by_id).toBe(5);
  });
});
