import { ValidationFailedError } from '../common/errors';
import { RECOMMENDATION_PARAMETERS } from './recommendation-parameters';
import { parseRecommendationsQuery } from './recommendations-query.pipe';

/** The details of the 400 a query gets, or fails the test when it is accepted. */
function rejection(raw: Record<string, unknown>, call: 'get' | 'post' = 'get') {
  try {
    parseRecommendationsQuery(raw, call);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).details as { path: string; message: string }[];
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
}

describe('parseRecommendationsQuery', () => {
  it("reads Spotify's parameters and the service's own, with their defaults", () => {
    const query = parseRecommendationsQuery(
      {
        seed_tracks: '6f807x0ima9a1j3VPbc7VN,0r7CVbZTWZgbTCYdfa2P31',
        seed_genres: 'dance pop',
        target_energy: '0.8',
        min_popularity: '20',
        max_tempo: '130.5',
        market: 'ES',
        explain: 'true',
      },
      'get',
    );
    expect(query).toMatchObject({
      seedTracks: ['6f807x0ima9a1j3VPbc7VN', '0r7CVbZTWZgbTCYdfa2P31'],
      seedArtists: [],
      seedGenres: ['dance pop'],
      targets: { energy: 0.8 },
      min: { popularity: 20 },
      max: { tempo: 130.5 },
      limit: 20,
      maxPerArtist: 2,
      explain: true,
    });
  });

  it('reads quoted names with commas, repeated list parameters, and drops empty and repeated items', () => {
    const query = parseRecommendationsQuery(
      { seed_artists: ['"Tyler, The Creator", Drake', 'Drake,'] },
      'get',
    );
    expect(query.seedArtists).toEqual(['Tyler, The Creator', 'Drake']);
  });

  it('names an unknown parameter, with the closest known one', () => {
    expect(rejection({ seed_tracks: 'a', target_enrgy: '0.5' })).toEqual([
      { path: 'target_enrgy', message: 'is not a known parameter (did you mean target_energy?)' },
    ]);
    expect(rejection({ seed_tracks: 'a', colour: 'red' })).toEqual([
      { path: 'colour', message: 'is not a known parameter' },
    ]);
  });

  it('wants 1 to 5 seeds in all', () => {
    expect(rejection({ limit: '5' })[0].path).toBe('seed_tracks');
    const details = rejection({ seed_tracks: 'a,b,c', seed_artists: 'd', seed_genres: 'e,f' });
    expect(details.map((d) => d.path)).toEqual(['seed_tracks', 'seed_artists', 'seed_genres']);
    expect(details[0].message).toContain('at most 5 seeds in all; got 6');
  });

  it('reads 1 to 5 negative seed tracks beside the 5 seeds, never as a seed; not on POST', () => {
    const query = parseRecommendationsQuery(
      { seed_tracks: 'a,b,c,d,e', negative_seed_tracks: 'f, g,h,i,j' },
      'get',
    );
    expect(query).toMatchObject({
      seedTracks: ['a', 'b', 'c', 'd', 'e'],
      negativeTracks: ['f', 'g', 'h', 'i', 'j'],
    });
    expect(parseRecommendationsQuery({ seed_genres: 'pop' }, 'get').negativeTracks).toEqual([]);
    expect(rejection({ seed_tracks: 'a', negative_seed_tracks: 'b,c,d,e,f,g' })).toEqual([
      { path: 'negative_seed_tracks', message: 'must list at most 5 items' },
    ]);
    expect(rejection({ negative_seed_tracks: 'b' })).toEqual([
      expect.objectContaining({ path: 'seed_tracks' }),
    ]);
    expect(rejection({ negative_seed_tracks: 'b' }, 'post')[0].path).toBe('negative_seed_tracks');
  });

  it('names every value outside its range, and min above max', () => {
    const details = rejection({
      seed_genres: 'pop',
      max_energy: '2',
      target_key: '12',
      min_duration_ms: '0',
      limit: '101',
      max_per_artist: '0',
      min_tempo: '140',
      max_tempo: '120',
      target_valence: 'high',
      explain: 'perhaps',
    });
    expect(details).toEqual(
      expect.arrayContaining([
        { path: 'max_energy', message: 'must be at most 1' },
        { path: 'target_key', message: 'must be at most 11' },
        { path: 'min_duration_ms', message: 'must be greater than 0' },
        { path: 'limit', message: 'must be at most 100' },
        { path: 'max_per_artist', message: 'must be at least 1' },
        { path: 'min_tempo', message: 'min_tempo (140) is greater than max_tempo (120)' },
        { path: 'max_tempo', message: 'min_tempo (140) is greater than max_tempo (120)' },
        { path: 'target_valence', message: 'must be a number' },
        { path: 'explain', message: 'must be true or false' },
      ]),
    );
    expect(details).toHaveLength(9);
  });

  it('refuses a scalar given twice and an unbalanced quote', () => {
    expect(rejection({ seed_genres: 'pop', limit: ['5', '6'] })).toEqual([
      { path: 'limit', message: 'must be given once' },
    ]);
    expect(rejection({ seed_artists: '"Tyler, The Creator' })[0].path).toBe('seed_artists');
  });

  it('takes no seeds in POST (they come from the body) and checks its trend parameters as /metrics does', () => {
    expect(rejection({ seed_tracks: 'a' }, 'post')[0].message).toContain(
      'seeds are the most recent tracks of the body',
    );
    expect(rejection({ freq: 'soon' }, 'post')[0].path).toBe('freq');
    const query = parseRecommendationsQuery(
      { periods: '5', freq: '30s', target_energy: '0.2' },
      'post',
    );
    expect(query.trend).toMatchObject({ periods: 5, freq: '30s' });
    expect(query.targets).toEqual({ energy: 0.2 });
    expect(parseRecommendationsQuery({}, 'post').trend).toMatchObject({
      periods: 10,
      freq: '1min',
    });
  });

  it("documents min_, max_ and target_ for each of Spotify's 14 tunable attributes", () => {
    const spotify = [
      'acousticness',
      'danceability',
      'duration_ms',
      'energy',
      'instrumentalness',
      'key',
      'liveness',
      'loudness',
      'mode',
      'popularity',
      'speechiness',
      'tempo',
      'time_signature',
      'valence',
    ];
    const names = new Set(RECOMMENDATION_PARAMETERS.map((spec) => spec.name));
    for (const attribute of spotify) {
      for (const prefix of ['min_', 'max_', 'target_'])
        expect(names.has(prefix + attribute)).toBe(true);
    }
  });
});
