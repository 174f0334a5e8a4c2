import fc from 'fast-check';
import { extendedBase } from '../../../test/helpers/listening-exports';
import { readSharedJson, readSharedText } from '../../../test/helpers/shared-data';
import { TYPICAL_FEATURES, trackBody } from '../../../test/helpers/tracks';
import { ValidationFailedError } from '../errors';
import { AUDIO_FEATURES } from '../tracks/audio-features';
import { parseTracksBody } from '../tracks/tracks-body.pipe';
import { parseJsonLines } from './listenbrainz-rows';
import { parseListeningBody } from './parse-listening-body';

const ID = '4uLU6hMCjMI75M1A2tKUQC';
const OTHER_ID = '6f807x0ima9a1j3VPbc7VN';

type Json = Record<string, any>;
const exported = <T = Json[]>(file: string) => readSharedJson<T>(`exports/${file}`);

function problems(body: unknown, options = {}): { path: string; message: string }[] {
  try {
    parseListeningBody(body, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).details as { path: string; message: string }[];
  }
  throw new Error('expected a validation error');
}

/** An Extended streaming history play as Spotify writes it (2023 and later). */
const extendedPlay = (fields: Json = {}): Json => ({
  ...extendedBase(Date.parse('2026-03-01T10:01:06Z'), 61226),
  master_metadata_track_name: 'Sweet but Psycho',
  master_metadata_album_artist_name: 'Ava Max',
  master_metadata_album_album_name: 'Sweet but Psycho',
  spotify_track_uri: `spotify:track:${ID}`,
  ...fields,
});

/** A Spotify track object, as the Web API returns it. */
const trackObject = (fields: Json = {}): Json => ({
  album: { id: '7sYMi1QPQnCL99k1VCaWTZ', name: 'Album', release_date: '2018-07-13' },
  artists: [{ id: '0w7HLMvZOHatWVbAKee1zF', name: 'Galantis', type: 'artist' }],
  duration_ms: 178132,
  explicit: false,
  id: ID,
  is_local: false,
  name: 'Mama Look at Me Now',
  track_number: 1,
  type: 'track',
  uri: `spotify:track:${ID}`,
  ...fields,
});

const listen = (fields: Json = {}, info: Json = {}): Json => ({
  listened_at: 1772359200,
  track_metadata: {
    artist_name: 'Alicia Madison',
    track_name: 'Toxic Rain - No Class Remix',
    release_name: 'Toxic Rain',
    additional_info: { spotify_id: `https://open.spotify.com/track/${ID}`, ...info },
  },
  ...fields,
});

describe('parseListeningBody: the shapes clients hold', () => {
  it("reads Spotify's Extended streaming history: ids, names, ms_played, skips, and the play's start", () => {
    const plays = exported('Streaming_History_Audio_2026.json');
    const { container, rows } = parseListeningBody(plays);
    expect(container).toBe('array');
    expect(rows).toHaveLength(plays.length);
    const skip = rows.find((row) => row.skippedFlag)!;
    const play = plays[skip.row];
    expect(skip).toMatchObject({
      path: `tracks[${skip.row}]`,
      source: 'extended_history',
      kind: 'track',
      id: play.spotify_track_uri.slice('spotify:track:'.length),
      title: play.master_metadata_track_name,
      album: play.master_metadata_album_album_name,
      artists: [{ id: null, name: play.master_metadata_album_artist_name }],
      msPlayed: play.ms_played,
      reasonEnd: 'fwdbtn',
    });
    expect(skip.playedAt).toEqual(new Date(play.ts));
    expect(skip.startedAt).toEqual(new Date(Date.parse(play.ts) - play.ms_played));
    const episodes = rows.filter((row) => row.kind === 'episode');
    const episodeUris = plays
      .filter((p) => p.spotify_episode_uri)
      .map((p) => p.spotify_episode_uri as string);
    expect(episodes.map((row) => plays[row.row].spotify_episode_uri as string)).toEqual(
      episodeUris,
    );
    expect(episodes.every((row) => row.unusable === 'a podcast episode, not music')).toBe(true);
  });

  it('reads the older endsong files (username, ip_addr_decrypted, unknown skip flag, no audiobooks)', () => {
    const older = extendedPlay({
      username: 'someone',
      ip_addr_decrypted: '192.0.2.1',
      skipped: null,
    });
    for (const key of ['ip_addr', 'audiobook_title', 'audiobook_uri', 'audiobook_chapter_uri']) {
      delete older[key];
    }
    const [row] = parseListeningBody([older]).rows;
    expect(row).toMatchObject({ id: ID, kind: 'track', msPlayed: 61226 });
    expect(row.skippedFlag).toBeUndefined();
  });

  it('reads Extended plays of audiobooks, local files and of nothing at all as unusable rows', () => {
    const { rows } = parseListeningBody([
      extendedPlay({
        spotify_track_uri: null,
        master_metadata_track_name: null,
        master_metadata_album_artist_name: null,
        audiobook_title: 'A Book',
        audiobook_uri: `spotify:audiobook:${ID}`,
      }),
      extendedPlay({ spotify_track_uri: 'spotify:local:Me:Mine:Song:200' }),
      extendedPlay({
        spotify_track_uri: null,
        master_metadata_track_name: null,
        master_metadata_album_artist_name: null,
      }),
    ]);
    expect(rows.map((row) => [row.kind, row.unusable])).toEqual([
      ['audiobook', 'an audiobook, not music'],
      ['local', 'a local file, not on Spotify'],
      ['track', 'no track or episode in this play'],
    ]);
  });

  it("reads Spotify's Account data: names only, endTime in UTC, music and podcast files", () => {
    const plays = exported('StreamingHistory_music_0.json');
    const { rows } = parseListeningBody(plays);
    expect(rows).toHaveLength(plays.length);
    expect(rows[0]).toEqual({
      row: 0,
      path: 'tracks[0]',
      source: 'account_history',
      kind: 'track',
      artists: [{ id: null, name: plays[0].artistName }],
      title: plays[0].trackName,
      playedAt: new Date(`${plays[0].endTime.replace(' ', 'T')}:00Z`),
      startedAt: new Date(
        Date.parse(`${plays[0].endTime.replace(' ', 'T')}:00Z`) - plays[0].msPlayed,
      ),
      msPlayed: plays[0].msPlayed,
    });
    const [episode] = parseListeningBody([
      { endTime: '2026-03-01 10:02', podcastName: 'A Show', episodeName: 'One', msPlayed: 1000 },
    ]).rows;
    expect(episode).toMatchObject({ kind: 'episode', unusable: 'a podcast episode, not music' });
  });

  it("reads recently-played's paging answer: items[].track with played_at", () => {
    const answer = exported<Json>('recently-played.json');
    const { container, rows } = parseListeningBody(answer);
    expect(container).toBe('items');
    expect(rows).toHaveLength(answer.items.length);
    rows.forEach((row, i) => {
      expect(row).toMatchObject({
        path: `items[${i}].track`,
        source: 'recently_played',
        id: answer.items[i].track.id,
        title: answer.items[i].track.name,
        durationMs: answer.items[i].track.duration_ms,
      });
      expect(row.playedAt).toEqual(new Date(answer.items[i].played_at));
    });
  });

  it('reads playlist items in the February-2026 shape (items[].item), added_at as the play time', () => {
    const answer = exported<Json>('playlist-items-2026.json');
    const { rows } = parseListeningBody(answer);
    expect(rows.map((row) => row.path)).toEqual(
      answer.items.map((_: unknown, i: number) => `items[${i}].item`),
    );
    expect(rows[3]).toMatchObject({ source: 'library_item', id: answer.items[3].item.id });
    expect(rows[3].playedAt).toEqual(new Date(answer.items[3].added_at));
  });

  it('reads playlist items in the older shape, with local files, episodes and removed tracks', () => {
    const { rows } = parseListeningBody({
      items: [
        {
          added_at: '2026-01-01T00:00:00Z',
          is_local: false,
          track: trackObject({ track: true, episode: false }),
        },
        {
          added_at: '2026-01-02T00:00:00Z',
          is_local: true,
          track: trackObject({ id: null, uri: 'spotify:local:Me::Song:200', is_local: true }),
        },
        {
          added_at: '2026-01-03T00:00:00Z',
          track: { type: 'episode', id: ID, name: 'Ep 1', uri: `spotify:episode:${ID}` },
        },
        { added_at: '2026-01-04T00:00:00Z', track: null },
      ],
    });
    expect(rows.map((row) => [row.path, row.kind, row.unusable])).toEqual([
      ['items[0].track', 'track', undefined],
      ['items[1].track', 'local', 'a local file, not on Spotify'],
      ['items[2].track', 'episode', 'a podcast episode, not music'],
      ['items[3].track', 'track', expect.stringMatching(/^no track in this item/)],
    ]);
  });

  it('reads saved tracks (added_at) and top tracks (items are tracks, no play time)', () => {
    const saved = parseListeningBody({
      items: [{ added_at: '2026-02-01T12:00:00Z', track: trackObject() }],
    });
    expect(saved.rows[0]).toMatchObject({ source: 'library_item', id: ID });
    expect(saved.rows[0].playedAt).toEqual(new Date('2026-02-01T12:00:00Z'));
    const top = parseListeningBody({
      items: [trackObject(), trackObject({ id: OTHER_ID, uri: `spotify:track:${OTHER_ID}` })],
    });
    expect(top.rows.map((row) => [row.path, row.source, row.id, row.playedAt])).toEqual([
      ['items[0]', 'track_object', ID, undefined],
      ['items[1]', 'track_object', OTHER_ID, undefined],
    ]);
  });

  it('reads a lone track object, {tracks: [...]} of track objects, and a currently-playing answer', () => {
    expect(parseListeningBody(trackObject()).rows).toEqual([
      expect.objectContaining({
        path: 'body',
        id: ID,
        artists: [{ id: '0w7HLMvZOHatWVbAKee1zF', name: 'Galantis' }],
      }),
    ]);
    expect(parseListeningBody({ tracks: [trackObject()] }).rows[0]).toMatchObject({
      path: 'tracks[0]',
      id: ID,
    });
    expect(
      parseListeningBody({ is_playing: true, progress_ms: 1, item: trackObject() }).rows[0],
    ).toMatchObject({
      path: 'item',
      id: ID,
    });
  });

  it('reads ids, URIs and links, as strings or {id}/{uri} objects with an optional played_at', () => {
    const { rows } = parseListeningBody([
      ID,
      `spotify:track:${OTHER_ID}`,
      `https://open.spotify.com/intl-de/track/${ID}?si=abc`,
      { id: OTHER_ID, played_at: '2026-03-01T10:00:00Z' },
      { uri: `spotify:track:${ID}`, played_at: 1772359200000 },
      `spotify:episode:${ID}`,
    ]);
    expect(rows.map((row) => [row.source, row.kind, row.id, row.playedAt?.toISOString()])).toEqual([
      ['track_ref', 'track', ID, undefined],
      ['track_ref', 'track', OTHER_ID, undefined],
      ['track_ref', 'track', ID, undefined],
      ['track_object', 'track', OTHER_ID, '2026-03-01T10:00:00.000Z'],
      ['track_object', 'track', ID, '2026-03-01T10:00:00.000Z'],
      ['track_ref', 'episode', undefined, undefined],
    ]);
  });

  it("reads Spotify's audio-features answer, a null entry being a row without features", () => {
    const { container, rows } = parseListeningBody({
      audio_features: [trackBody({ id: ID }), null],
    });
    expect(container).toBe('audio_features');
    expect(rows[0]).toMatchObject({ id: ID, features: TYPICAL_FEATURES });
    expect(rows[1]).toMatchObject({
      path: 'audio_features[1]',
      unusable: expect.stringMatching(/null/),
    });
  });

  it('reads ListenBrainz listens alike from a JSON array, JSON Lines and the API answer', () => {
    const array = exported('listenbrainz-listens.json');
    const fromArray = parseListeningBody(array).rows;
    const fromLines = parseListeningBody(
      parseJsonLines(readSharedText('exports/listenbrainz-listens.jsonl'), 1000),
    ).rows;
    const fromApi = parseListeningBody({ payload: { count: array.length, listens: array } }).rows;
    const fromImport = parseListeningBody({ listen_type: 'import', payload: array }).rows;
    const strip = (rows: typeof fromArray) => rows.map(({ path: _, ...row }) => row);
    expect(strip(fromLines)).toEqual(strip(fromArray));
    expect(strip(fromApi)).toEqual(strip(fromArray));
    expect(strip(fromImport)).toEqual(strip(fromArray));
    expect(fromApi[2].path).toBe('payload.listens[2]');
    const info = array[0].track_metadata.additional_info;
    expect(fromArray[0]).toMatchObject({
      source: 'listenbrainz',
      id: info.spotify_id.split('/').pop(),
      title: array[0].track_metadata.track_name,
      album: array[0].track_metadata.release_name,
      durationMs: info.duration_ms,
    });
    // listened_at is when the play started; played_at (Spotify's sense) is when it ended.
    expect(fromArray[0].startedAt).toEqual(new Date(array[0].listened_at * 1000));
    expect(fromArray[0].playedAt).toEqual(new Date(array[0].listened_at * 1000 + info.duration_ms));
  });

  it('reads spotify_track_ids and a duration in seconds where a listen has them', () => {
    const [row] = parseListeningBody([
      listen(
        {},
        { spotify_id: undefined, spotify_track_ids: [`spotify:track:${OTHER_ID}`], duration: 200 },
      ),
    ]).rows;
    expect(row).toMatchObject({ id: OTHER_ID, durationMs: 200_000 });
    const [bare] = parseListeningBody([
      { listened_at: 1, track_metadata: { artist_name: 'A', track_name: 'T' } },
    ]).rows;
    expect(bare).toMatchObject({ title: 'T', artists: [{ id: null, name: 'A' }] });
    expect(bare.id).toBeUndefined();
  });

  it('reads audio-features rows and pandas columns with the very features, ids and times of today', () => {
    const pandas = readSharedJson('playlist_example_json.json');
    const today = parseTracksBody(pandas, { requiredFeatures: [] });
    const { container, rows } = parseListeningBody(pandas);
    expect(container).toBe('pandas');
    const withFeatures = rows.filter((row) => row.features);
    expect(withFeatures.map((row) => [row.row, row.id, row.playedAt])).toEqual(
      today.tracks.map((track) => [track.row, track.id, track.playedAt]),
    );
    withFeatures.forEach((row, i) => {
      const track = today.tracks[i];
      const present = AUDIO_FEATURES.filter((feature) => track[feature] !== undefined);
      expect(row.features).toEqual(Object.fromEntries(present.map((f) => [f, track[f]])));
    });
  });

  it('reads a lone audio-features object as one row, and a row without features as one to look up', () => {
    expect(parseListeningBody(trackBody({ id: ID })).rows[0]).toMatchObject({
      path: 'body',
      features: TYPICAL_FEATURES,
    });
    const blank = Object.fromEntries(Object.keys(TYPICAL_FEATURES).map((feature) => [feature, '']));
    const [row, noId] = parseListeningBody([{ ...blank, id: ID }, blank]).rows;
    expect(row).toMatchObject({ id: ID, source: 'audio_features' });
    expect(row.features).toBeUndefined();
    expect(noId.unusable).toMatch(/no audio features/);
  });

  it('mixes rows with and without features, and reads features nested in a track object', () => {
    const { rows } = parseListeningBody([
      trackBody({ id: 'made-up-id', played_at: '2026-03-01T10:00:00Z' }),
      ID,
      trackObject({ audio_features: { energy: 0.5, valence: 0.25 } }),
      trackObject({ features: { ...TYPICAL_FEATURES, key: null } }),
    ]);
    expect(rows[0]).toMatchObject({ id: 'made-up-id', features: TYPICAL_FEATURES });
    expect(rows[1].features).toBeUndefined();
    expect(rows[2]).toMatchObject({
      source: 'track_object',
      features: { energy: 0.5, valence: 0.25 },
    });
    expect(rows[3].features).not.toHaveProperty('key');
  });

  it('keeps tag and playlist for training data only, and marks untagged rows there', () => {
    const body = [
      trackBody({ tag: 'Happy', playlist: 'p1' }),
      { id: ID, tag: 'Sad' },
      { id: OTHER_ID },
    ];
    expect(parseListeningBody(body).rows.map((row) => row.tag)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const labelled = parseListeningBody(body, { labelled: true }).rows;
    expect(labelled.map((row) => [row.tag, row.playlist, row.unusable])).toEqual([
      ['Happy', 'p1', undefined],
      ['Sad', undefined, undefined],
      [undefined, undefined, 'no mood tag'],
    ]);
  });
});

describe('parseListeningBody: what it refuses, always as a 400 naming the path', () => {
  it.each([
    ['a number', 42],
    ['a string', 'tracks'],
    ['null', null],
    ['an object of another shape', { songs: [] }],
  ])('refuses a body that is %s, listing the shapes accepted', (_, body) => {
    expect(problems(body)).toEqual([
      {
        path: 'body',
        message: expect.stringMatching(
          /^expected a JSON array of tracks or plays, .*Spotify answer.*ListenBrainz/,
        ),
      },
    ]);
  });

  it('refuses empty lists and lists that are not arrays', () => {
    expect(problems([])).toEqual([{ path: 'tracks', message: 'must contain at least one track' }]);
    expect(problems({ items: [] })).toEqual([
      { path: 'items', message: 'must contain at least one track' },
    ]);
    expect(problems({ items: {} })).toEqual([{ path: 'items', message: 'must be an array' }]);
    expect(problems({ payload: { listens: 3 } })).toEqual([
      { path: 'payload.listens', message: 'must be an array of listens' },
    ]);
  });

  it('refuses a million ids by their number alone, and says the bound', () => {
    const ids = new Array<string>(1_000_000).fill(ID);
    expect(problems(ids)).toEqual([
      { path: 'tracks', message: 'must contain at most 100000 rows' },
    ]);
    expect(problems([ID, ID], { maxRows: 1 })).toEqual([
      { path: 'tracks', message: 'must contain at most 1 rows' },
    ]);
  });

  it('stops at 50 problems in a body of 100,000 bad rows', () => {
    const details = problems(new Array<string>(100_000).fill('not an id'));
    expect(details).toHaveLength(50);
    expect(details[49]).toEqual({
      path: 'tracks[49]',
      message: expect.stringMatching(/Spotify track id/),
    });
  });

  it('names the first row that fits no shape, listing the row shapes accepted', () => {
    expect(problems([ID, { foo: 1 }, 7])).toEqual([
      {
        path: 'tracks[1]',
        message: expect.stringMatching(
          /^is not a track: expected an audio-features object, .*ListenBrainz listen/,
        ),
      },
      { path: 'tracks[2]', message: expect.stringMatching(/^must be an object or a string/) },
    ]);
  });

  const huge = 'x'.repeat(5000);
  it.each([
    ['Extended without ts', [extendedPlay({ ts: undefined })], 'tracks[0].ts', 'is required'],
    [
      'Extended with a bad ts',
      [extendedPlay({ ts: 'yesterday' })],
      'tracks[0].ts',
      expect.stringMatching(/date-time/),
    ],
    [
      'Extended with a huge ts',
      [extendedPlay({ ts: huge })],
      'tracks[0].ts',
      expect.stringMatching(/date-time/),
    ],
    [
      'Extended with ms_played as text',
      [extendedPlay({ ms_played: '6000' })],
      'tracks[0].ms_played',
      'must be a whole number',
    ],
    [
      'Extended with ms_played null',
      [extendedPlay({ ms_played: null })],
      'tracks[0].ms_played',
      'is required',
    ],
    [
      'Extended with negative ms_played',
      [extendedPlay({ ms_played: -1 })],
      'tracks[0].ms_played',
      expect.stringMatching(/between 0 and/),
    ],
    [
      'Extended with an infinite ms_played',
      [extendedPlay({ ms_played: Infinity })],
      'tracks[0].ms_played',
      'must be a whole number',
    ],
    [
      'Extended with an album URI',
      [extendedPlay({ spotify_track_uri: `spotify:album:${ID}` })],
      'tracks[0].spotify_track_uri',
      'must be a spotify:track: URI',
    ],
    [
      'Extended with a numeric name',
      [extendedPlay({ master_metadata_track_name: 5 })],
      'tracks[0].master_metadata_track_name',
      'must be a string',
    ],
    [
      'Extended with a huge name',
      [extendedPlay({ master_metadata_album_artist_name: huge })],
      'tracks[0].master_metadata_album_artist_name',
      'must be at most 1000 characters long',
    ],
    [
      'Extended with skipped as text',
      [extendedPlay({ skipped: 'yes' })],
      'tracks[0].skipped',
      'must be true or false',
    ],
    [
      'Account without endTime',
      [{ artistName: 'A', trackName: 'T', msPlayed: 1 }],
      'tracks[0].endTime',
      'is required',
    ],
    [
      'Account without msPlayed',
      [{ endTime: '2026-03-01 10:02', artistName: 'A', trackName: 'T' }],
      'tracks[0].msPlayed',
      'is required',
    ],
    [
      'Account without trackName',
      [{ endTime: '2026-03-01 10:02', artistName: 'A', msPlayed: 1 }],
      'tracks[0].trackName',
      'is required',
    ],
    [
      'Account with a list as artistName',
      [{ endTime: '2026-03-01 10:02', artistName: ['A'], trackName: 'T', msPlayed: 1 }],
      'tracks[0].artistName',
      'must be a string',
    ],
    [
      'a listen in milliseconds',
      [listen({ listened_at: 1772359200000 })],
      'tracks[0].listened_at',
      expect.stringMatching(/between 0 and/),
    ],
    [
      'a listen without metadata',
      [listen({ track_metadata: null })],
      'tracks[0].track_metadata',
      'must be an object',
    ],
    [
      'a listen without a track name',
      [listen({ track_metadata: { artist_name: 'A' } })],
      'tracks[0].track_metadata.track_name',
      'is required',
    ],
    [
      'a listen with a bad spotify_id',
      [listen({}, { spotify_id: 'nope' })],
      'tracks[0].track_metadata.additional_info.spotify_id',
      expect.stringMatching(/Spotify track id/),
    ],
    [
      'a listen with additional_info as text',
      [listen({ track_metadata: { artist_name: 'A', track_name: 'T', additional_info: 'x' } })],
      'tracks[0].track_metadata.additional_info',
      'must be an object',
    ],
    [
      'a paging item wrapping a number',
      { items: [{ track: 5, played_at: '2026-03-01T10:00:00Z' }] },
      'items[0]',
      expect.stringMatching(/is not a track/),
    ],
    [
      'a paging item with a bad played_at',
      { items: [{ track: trackObject(), played_at: 'soon' }] },
      'items[0].played_at',
      expect.stringMatching(/date-time/),
    ],
    [
      'a track object with artists as text',
      [trackObject({ artists: 'Galantis' })],
      'tracks[0].artists',
      'must be an array',
    ],
    [
      'a track object with an artist as text',
      [trackObject({ artists: ['Galantis'] })],
      'tracks[0].artists[0]',
      'must be an artist object {id, name}',
    ],
    [
      'a track object with a bad id',
      [trackObject({ id: 'nope' })],
      'tracks[0].id',
      expect.stringMatching(/Spotify track id/),
    ],
    [
      'an artist object',
      [trackObject({ type: 'artist' })],
      'tracks[0].type',
      expect.stringMatching(/must be "track"/),
    ],
    [
      'a type named as an Object.prototype member',
      [trackObject({ type: 'constructor' })],
      'tracks[0].type',
      expect.stringMatching(/must be "track"/),
    ],
    [
      'a track object with is_local as text',
      [trackObject({ is_local: 'no' })],
      'tracks[0].is_local',
      'must be true or false',
    ],
    [
      'a track object with bad nested features',
      [trackObject({ audio_features: { energy: 2 } })],
      'tracks[0].audio_features.energy',
      'must not be greater than 1',
    ],
    [
      'an audio-features row out of range',
      [trackBody({ energy: 1.5 })],
      'tracks[0].energy',
      'must not be greater than 1',
    ],
    [
      'an audio-features row with a bad played_at',
      [trackBody({ played_at: 'yesterday' })],
      'tracks[0].played_at',
      expect.stringMatching(/ISO-8601/),
    ],
    [
      'an {id} with a bad played_at',
      [{ id: ID, played_at: 'soon' }],
      'tracks[0].played_at',
      expect.stringMatching(/date-time/),
    ],
    [
      'a lone object with a bad id',
      { id: 'nope' },
      'id',
      expect.stringMatching(/Spotify track id/),
    ],
    [
      'a huge id string',
      ['7'.repeat(100_000)],
      'tracks[0]',
      expect.stringMatching(/Spotify track id/),
    ],
  ])('refuses %s', (_, body, path, message) => {
    expect(problems(body)).toEqual([{ path, message }]);
  });

  it('answers any value in any field of any shape with rows or a 400, never another error', () => {
    const samples: Json[] = [
      extendedPlay(),
      exported('StreamingHistory_music_0.json')[0],
      listen(),
      { items: [{ played_at: '2026-03-01T10:00:00Z', track: trackObject() }] },
      { items: [{ added_at: '2026-03-01T10:00:00Z', is_local: false, item: trackObject() }] },
      trackObject(),
      trackBody({ id: ID, played_at: '2026-03-01T10:00:00Z' }),
    ];
    const paths = (value: unknown, prefix: string[] = []): string[][] =>
      typeof value === 'object' && value !== null
        ? [
            prefix,
            ...Object.entries(value as Json).flatMap(([key, inner]: [string, unknown]) =>
              paths(inner, [...prefix, key]),
            ),
          ]
        : [prefix];
    const anyValue = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(
        null,
        '',
        'x'.repeat(100_000),
        -1,
        1e308,
        0.5,
        [],
        {},
        true,
        'constructor',
        '__proto__',
      ),
    );
    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.nat(),
        anyValue,
        fc.boolean(),
        (which, at, value, remove) => {
          const sample = structuredClone(samples[which]);
          const all = paths(sample).filter((path) => path.length > 0);
          const path = all[at % all.length];
          let target: any = sample;
          for (const key of path.slice(0, -1)) target = target[key];
          if (remove) delete target[path[path.length - 1]];
          else target[path[path.length - 1]] = value;
          const body = Array.isArray(sample) || 'items' in sample ? sample : [sample];
          try {
            parseListeningBody(body);
          } catch (error) {
            if (!(error instanceof ValidationFailedError)) throw error;
          }
        },
      ),
      { numRuns: 3000, seed: 22 },
    );
  });
});
