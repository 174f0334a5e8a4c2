import fc from 'fast-check';
import { ValidationFailedError } from '../common/errors';
import { parseIdsQuery, parseTrackIdParameter } from './spotify-ids-query';

const ID = '6f807x0ima9a1j3VPbc7VN';
const OTHER = '0r7CVbZTWZgbTCYdfa2P31';

function problems(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return (error as { details?: unknown }).details;
  }
  throw new Error('expected a 400');
}

describe('parseIdsQuery', () => {
  it('reads ids, URIs and links in order, keeping duplicates, ignoring market', () => {
    expect(
      parseIdsQuery(
        {
          ids: `${ID}, spotify:track:${OTHER},https://open.spotify.com/intl-de/track/${ID}?si=abc`,
          market: 'ES',
        },
        100,
      ),
    ).toEqual([ID, OTHER, ID]);
    expect(parseIdsQuery({ ids: [ID, OTHER] }, 100)).toEqual([ID, OTHER]);
  });

  it('names a missing, empty or too long list, and each bad item by its position', () => {
    expect(problems(() => parseIdsQuery({}, 100))).toEqual([
      { path: 'ids', message: expect.stringMatching(/required/) },
    ]);
    expect(problems(() => parseIdsQuery({ ids: '' }, 100))).toEqual([
      { path: 'ids', message: expect.stringMatching(/empty/) },
    ]);
    expect(problems(() => parseIdsQuery({ ids: Array(51).fill(ID).join(',') }, 50))).toEqual([
      { path: 'ids', message: 'must list at most 50 track ids; got 51' },
    ]);
    expect(problems(() => parseIdsQuery({ ids: 'x'.repeat(1_000_000) }, 50))).toEqual([
      { path: 'ids', message: 'must list at most 50 track ids' },
    ]);
    expect(
      problems(() =>
        parseIdsQuery({ ids: `${ID},nope,,spotify:episode:${OTHER},spotify:local:a:b:c:1` }, 100),
      ),
    ).toEqual([
      { path: 'ids[1]', message: expect.stringMatching(/Spotify track id/) },
      { path: 'ids[2]', message: 'is empty' },
      { path: 'ids[3]', message: 'names an episode, not a Spotify track' },
      { path: 'ids[4]', message: 'names a local file, not a Spotify track' },
    ]);
  });

  it('refuses an unknown parameter, suggesting the known one', () => {
    expect(problems(() => parseIdsQuery({ ids: ID, idz: ID }, 100))).toEqual([
      { path: 'idz', message: 'is not a known parameter (did you mean ids?)' },
    ]);
  });
});

describe('parseIdsQuery on anything a query string can hold', () => {
  it('answers ids or a 400, never another error', () => {
    const part = fc.oneof(fc.string(), fc.constantFrom(ID, `spotify:track:${OTHER}`, ',', ''));
    const value = fc.oneof(
      fc.array(part, { maxLength: 120 }).map((parts) => parts.join(',')),
      fc.array(fc.string(), { maxLength: 5 }),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value), value, (raw, ids) => {
        try {
          const read = parseIdsQuery({ ...raw, ids }, 100);
          expect(read.length).toBeGreaterThan(0);
          expect(read.length).toBeLessThanOrEqual(100);
          for (const id of read) expect(id).toMatch(/^[0-9A-Za-z]{22}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationFailedError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseTrackIdParameter', () => {
  it('reads an id, URI or link, and names `id` when it is none', () => {
    expect(parseTrackIdParameter(`spotify:track:${ID}`)).toBe(ID);
    expect(parseTrackIdParameter(`https://open.spotify.com/track/${ID}`)).toBe(ID);
    expect(problems(() => parseTrackIdParameter('abc'))).toEqual([
      { path: 'id', message: expect.stringMatching(/Spotify track id/) },
    ]);
  });
});
