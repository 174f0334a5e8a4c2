import { readSharedJson } from '../../../test/helpers/shared-data';
import { TYPICAL_FEATURES, trackBody } from '../../../test/helpers/tracks';
import { ValidationFailedError } from '../errors';
import { AUDIO_FEATURES } from './audio-features';
import { parseTracksBody } from './tracks-body.pipe';

/** A Spotify audio-features object with a play time, as clients send it. */
const track = (fields: Record<string, unknown> = {}) =>
  trackBody({
    id: 'track-a',
    played_at: '2023-08-10T15:47:50.611Z',
    type: 'audio_features',
    uri: 'spotify:track:track-a',
    ...fields,
  });

function validationDetails(body: unknown): { path: string; message: string }[] {
  try {
    parseTracksBody(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).details as { path: string; message: string }[];
  }
  throw new Error('expected a validation error');
}

describe('parseTracksBody', () => {
  it('reads a bare array, keeping features, id and play time and ignoring other Spotify fields', () => {
    const { tracks, skipped } = parseTracksBody([track()]);
    expect(skipped).toEqual([]);
    expect(tracks).toEqual([
      expect.objectContaining({ row: 0, id: 'track-a', ...TYPICAL_FEATURES }),
    ]);
    expect(tracks[0].playedAt).toEqual(new Date('2023-08-10T15:47:50.611Z'));
    expect(tracks[0]).not.toHaveProperty('uri');
  });

  it('reads {tracks: [...]} exactly like the bare array', () => {
    const body = [track(), track({ id: 'track-b' })];
    expect(parseTracksBody({ tracks: body })).toEqual(parseTracksBody(body));
  });

  it('reads the pandas column-oriented sample (596 tracks, play times from ts)', () => {
    const body = readSharedJson<{ danceability: Record<string, unknown> }>(
      'playlist_example_json.json',
    );
    const { tracks, skipped } = parseTracksBody(body);
    expect(tracks.length + skipped.length).toBe(Object.keys(body.danceability).length);
    expect(tracks[0]).toEqual(
      expect.objectContaining({ id: '1DzQvaFztN7CnbqcXOO5k0', danceability: 0.782, key: 2 }),
    );
    expect(tracks[0].playedAt).toEqual(new Date('2023-08-12T19:28:48.750Z'));
  });

  it('orders numeric pandas row labels numerically and names errors by label', () => {
    const body = {
      ...Object.fromEntries(
        Object.entries(track()).map(([name, value]) => [name, { '10': value, '9': value }]),
      ),
    };
    (body.energy as Record<string, unknown>)['10'] = 2;
    expect(validationDetails(body)).toEqual([
      { path: 'tracks[10].energy', message: 'must not be greater than 1' },
    ]);
  });

  it('skips and reports rows whose features are all empty (Spotify: analysis not found)', () => {
    const empty = Object.fromEntries(Object.keys(track()).map((name) => [name, '']));
    const { tracks, skipped } = parseTracksBody([
      track(),
      { ...empty, id: 'gone' },
      track(Object.fromEntries(AUDIO_FEATURES.map((feature) => [feature, null]))),
    ]);
    expect(tracks).toHaveLength(1);
    expect(skipped).toEqual([
      { row: 1, id: 'gone', reason: expect.stringMatching(/no audio features/) },
      { row: 2, id: 'track-a', reason: expect.stringMatching(/no audio features/) },
    ]);
  });

  it.each([
    ['energy', 1.5, 'must not be greater than 1'],
    ['danceability', -0.1, 'must not be less than 0'],
    ['key', 12, 'must not be greater than 11'],
    ['key', 1.5, 'must be an integer number'],
    ['mode', 2, expect.stringMatching(/must be one of/)],
    ['tempo', -1, 'must not be less than 0'],
    ['duration_ms', 0, 'must be a positive number'],
    ['loudness', 'loud', expect.stringMatching(/must be a number/)],
    ['valence', '0.5', expect.stringMatching(/must be a number/)],
    ['played_at', 'yesterday', expect.stringMatching(/ISO-8601/)],
    ['energy', undefined, 'is required'],
  ])('rejects %s=%p naming the field by path', (field, value, message) => {
    const bad = track({ [field]: value });
    expect(validationDetails({ tracks: [track(), track(), track(), bad] })).toEqual([
      { path: `tracks[3].${field}`, message },
    ]);
  });

  describe('with the features a call requires (requiredFeatures)', () => {
    const withoutKeyAndMeter = () => track({ key: undefined, time_signature: null });

    it('accepts tracks that omit the others, leaving them undefined', () => {
      const { tracks } = parseTracksBody([withoutKeyAndMeter(), track()], {
        requiredFeatures: ['energy', 'valence'],
      });
      expect(tracks[0]).toEqual(expect.objectContaining({ energy: 0.636, valence: 0.525 }));
      expect(tracks[0].key).toBeUndefined();
      expect(tracks[0].time_signature).toBeUndefined();
      expect(tracks[1].key).toBe(0);
      // By default every feature is required.
      expect(validationDetails([withoutKeyAndMeter()])).toEqual([
        { path: 'tracks[0].key', message: 'is required' },
        { path: 'tracks[0].time_signature', message: 'is required' },
      ]);
    });

    it('names a missing required feature by path, next to a bad value of another', () => {
      const missing = (body: unknown) => {
        try {
          parseTracksBody(body, { requiredFeatures: ['energy'] });
        } catch (error) {
          return (error as ValidationFailedError).details;
        }
        throw new Error('expected a validation error');
      };
      expect(missing([track(), track({ energy: undefined, key: 12 })])).toEqual([
        { path: 'tracks[1].energy', message: 'is required' },
        { path: 'tracks[1].key', message: 'must not be greater than 11' },
      ]);
    });

    it('still checks every present value when none is required', () => {
      expect(() =>
        parseTracksBody([track({ key: undefined, tempo: -1 })], { requiredFeatures: [] }),
      ).toThrow(
        expect.objectContaining({
          details: [{ path: 'tracks[0].tempo', message: 'must not be less than 0' }],
        }),
      );
    });
  });

  it('accepts ts, epoch-millisecond and offset play times', () => {
    const { tracks } = parseTracksBody([
      track({ played_at: undefined, ts: '2023-08-12 19:28:48.750385' }),
      track({ played_at: Date.UTC(2023, 7, 12, 19, 28, 48, 750) }),
      track({ played_at: '2023-08-12T21:28:48.750+02:00' }),
    ]);
    expect(tracks.map((t) => t.playedAt?.toISOString())).toEqual([
      '2023-08-12T19:28:48.750Z',
      '2023-08-12T19:28:48.750Z',
      '2023-08-12T19:28:48.750Z',
    ]);
  });

  it.each([
    ['a number', 42],
    ['a string', 'tracks'],
    ['an object of another shape', { songs: [] }],
  ])('rejects a body that is %s, saying which shapes are expected', (_, body) => {
    expect(validationDetails(body)).toEqual([
      { path: 'body', message: expect.stringMatching(/expected a JSON array of tracks/) },
    ]);
  });

  it('rejects an empty list and a non-object element', () => {
    expect(validationDetails([])).toEqual([
      { path: 'tracks', message: 'must contain at least one track' },
    ]);
    expect(validationDetails([track(), 7])).toEqual([
      { path: 'tracks[1]', message: expect.stringMatching(/must be an object/) },
    ]);
  });

  it('rejects more rows than maxTracks', () => {
    expect(() => parseTracksBody([track(), track()], { maxTracks: 1 })).toThrow(/at most 1 tracks/);
  });

  it('keeps tag and playlist only for labelled data, skipping untagged rows', () => {
    const body = [track({ tag: 'Happy', playlist: 'p1' }), track({ tag: '' })];
    expect(parseTracksBody(body).tracks[0]).not.toHaveProperty('tag');
    const labelled = parseTracksBody(body, { labelled: true });
    expect(labelled.tracks).toEqual([expect.objectContaining({ tag: 'Happy', playlist: 'p1' })]);
    expect(labelled.skipped).toEqual([{ row: 1, id: 'track-a', reason: 'no mood tag' }]);
  });

  it('does not let a __proto__ key reach the object prototype', () => {
    const body = JSON.parse(
      `[${JSON.stringify(track()).replace('{', '{"__proto__": {"polluted": 1},')}]`,
    );
    const { tracks } = parseTracksBody(body);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(tracks[0]).not.toHaveProperty('polluted');
  });
});
