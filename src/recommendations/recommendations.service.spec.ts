import { Test } from '@nestjs/testing';
import { CatalogIndex } from '../catalog-index/catalog-index';
import { CatalogIndexRef } from '../catalog-index/catalog-index-ref';
import type { CatalogTrackRecord } from '../catalog/catalog-track';
import { AppError } from '../common/errors';
import { AUDIO_FEATURES, type ParsedTracks, type Track } from '../common/tracks';
import { seededRandom } from '../common/numeric';
import type { TrendsResponseDto } from '../trends/dto/trends-response.dto';
import { TrendsService } from '../trends/trends.service';
import { randomCatalog } from '../../test/helpers/catalog-records';
import { typedMock } from '../../test/helpers/typed-mock';
import { MOOD_PREDICTOR, type MoodPredictor } from './mood-predictor';
import { RecommendationEngine } from './recommendation-engine';
import { parseRecommendationsQuery } from './recommendations-query.pipe';
import { RecommendationsService } from './recommendations.service';

const MOODS = ['Calm', 'Energetic', 'Sad'];
const METRICS = {
  danceability: 0.6,
  energy: 0.7,
  loudness: -6,
  mode: 1,
  speechiness: 0.05,
  acousticness: 0.1,
  instrumentalness: 0.01,
  liveness: 0.15,
  valence: 0.5,
  tempo: 120,
  duration_ms: 200000,
};

const TREND: TrendsResponseDto = {
  metrics: METRICS,
  horizon: {
    periods: 10,
    freq: '1min',
    step_seconds: 60,
    last_played_at: '2023-08-10T15:51:50.611Z',
    target_time: '2023-08-10T16:01:50.611Z',
  },
  history: 12,
  spotify_query: {},
  skipped: [],
  resolved: { given: 0, by_id: 0, by_name: 0, unresolved: 0 },
};

const get = (raw: Record<string, string>) => parseRecommendationsQuery(raw, 'get');
const post = (raw: Record<string, string> = {}) => parseRecommendationsQuery(raw, 'post');

/** A listening history of catalog tracks, played a minute apart in array order. */
function historyOf(records: CatalogTrackRecord[]): ParsedTracks {
  const tracks = records.map((record, row): Track => {
    const features = Object.fromEntries(AUDIO_FEATURES.map((f) => [f, record.features[f] ?? 0]));
    return {
      ...(features as Record<(typeof AUDIO_FEATURES)[number], number>),
      row,
      label: String(row),
      id: record.id,
      playedAt: new Date(Date.UTC(2023, 7, 10, 15, row)),
    };
  });
  return { tracks, skipped: [] };
}

async function expectAppError(
  action: () => unknown,
  status: number,
  code: string,
): Promise<AppError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect(caught).toMatchObject({ status, code });
  return caught as AppError;
}

describe('RecommendationsService', () => {
  const records = randomCatalog(seededRandom(21), 3000, { missing: 0.05 });
  let service: RecommendationsService;
  let catalog: CatalogIndexRef;
  let trends: jest.Mocked<Pick<TrendsService, 'forecastTargets'>>;
  let mood: jest.Mocked<MoodPredictor>;

  beforeEach(async () => {
    const index = CatalogIndex.fromRecords(records);
    index.setMoodLabels(MOODS);
    index.setMoods(
      records.map((record) => record.id),
      records.map((_, i) => i % 3),
      records.map(() => 0.9),
    );
    trends = {
      forecastTargets: jest.fn<
        Promise<TrendsResponseDto>,
        Parameters<TrendsService['forecastTargets']>
      >(),
    };
    trends.forecastTargets.mockResolvedValue(TREND);
    mood = {
      moods: typedMock<MoodPredictor['moods']>(() => MOODS),
      predict: typedMock<MoodPredictor['predict']>(() => ({ mood: 'Energetic', confidence: 0.8 })),
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        RecommendationsService,
        CatalogIndexRef,
        { provide: RecommendationEngine, useValue: new RecommendationEngine() },
        { provide: TrendsService, useValue: trends },
        { provide: MOOD_PREDICTOR, useValue: mood },
      ],
    }).compile();
    service = moduleRef.get(RecommendationsService);
    catalog = moduleRef.get(CatalogIndexRef);
    catalog.swap(index);
  });

  it('answers within every min/max bound, without its seeds, the same way every time', () => {
    const query = get({
      seed_tracks: `${records[0].id},${records[1].id}`,
      min_energy: '0.3',
      max_tempo: '150',
      target_valence: '0.7',
    });
    const answer = service.recommend(query);
    expect(answer.tracks).toHaveLength(20);
    for (const track of answer.tracks) {
      expect(track.features.energy).toBeGreaterThanOrEqual(0.3);
      expect(track.features.tempo).toBeLessThanOrEqual(150);
      expect([records[0].id, records[1].id]).not.toContain(track.id);
    }
    expect(answer.seeds.map((seed) => [seed.id, seed.type])).toEqual([
      [records[0].id, 'track'],
      [records[1].id, 'track'],
    ]);
    expect(answer.seeds.reduce((sum, seed) => sum + seed.afterRelinkingSize, 0)).toBe(20);
    expect(service.recommend(query)).toEqual(answer);
  });

  it('takes artist (by id or name) and genre seeds', () => {
    const answer = service.recommend(
      get({ seed_artists: 'artist1,Artist 3', seed_genres: 'GENRE-2' }),
    );
    expect(answer.tracks.length).toBeGreaterThan(0);
    expect(answer.seeds.map((seed) => seed.type)).toEqual(['artist', 'artist', 'genre']);
    expect(answer.seeds.every((seed) => seed.initialPoolSize > 0)).toBe(true);
    expect(answer.seeds[0].href).toBe('https://api.spotify.com/v1/artists/artist1');
  });

  it('answers genre seeds alone with the most popular tracks of the genre first', () => {
    const answer = service.recommend(get({ seed_genres: 'genre 2', limit: '5' }));
    const inGenre = records.filter((record) => record.genres.includes('genre 2'));
    const topPopularity = Math.max(...inGenre.map((record) => record.popularity ?? 0));
    expect(answer.tracks[0].genres).toContain('genre 2');
    expect(answer.tracks[0].popularity).toBe(topPopularity);
  });

  it('leaves out excluded tracks and artists, and keeps to the artist cap', () => {
    const first = service.recommend(get({ seed_tracks: records[5].id }));
    const excluded = first.tracks.slice(0, 3).map((track) => track.id);
    const answer = service.recommend(
      get({
        seed_tracks: records[5].id,
        exclude_tracks: excluded.join(','),
        exclude_artists: 'artist2,Artist 3',
        max_per_artist: '1',
      }),
    );
    const artists = answer.tracks.flatMap((track) => track.artists.map((artist) => artist.name));
    expect(answer.tracks.map((track) => track.id)).not.toEqual(
      expect.arrayContaining([excluded[0]]),
    );
    expect(artists).not.toContain('Artist 2');
    expect(artists).not.toContain('Artist 3');
    expect(new Set(artists).size).toBe(artists.length);
  });

  it('answers when some seeds are unknown, listing them with an empty pool; 404 when none is known', async () => {
    const answer = service.recommend(
      get({ seed_tracks: `${records[0].id},nope`, seed_genres: 'polka' }),
    );
    expect(answer.tracks).toHaveLength(20);
    expect(answer.seeds.slice(1)).toEqual([
      {
        id: 'nope',
        type: 'track',
        href: null,
        initialPoolSize: 0,
        afterFilteringSize: 0,
        afterRelinkingSize: 0,
      },
      {
        id: 'polka',
        type: 'genre',
        href: null,
        initialPoolSize: 0,
        afterFilteringSize: 0,
        afterRelinkingSize: 0,
      },
    ]);
    const error = await expectAppError(
      () => service.recommend(get({ seed_tracks: 'nope', seed_artists: 'Nobody' })),
      404,
      'SEED_NOT_FOUND',
    );
    expect(error.details).toEqual([
      { path: 'seed_tracks', message: '"nope" is not in the catalog' },
      { path: 'seed_artists', message: '"Nobody" is not in the catalog' },
    ]);
  });

  it('is unavailable with an empty catalog, or one still loading', async () => {
    catalog.swap(CatalogIndex.fromRecords([]));
    const error = await expectAppError(
      () => service.recommend(get({ seed_genres: 'pop' })),
      503,
      'CATALOG_EMPTY',
    );
    expect(error.message).toContain('Import one');
    const loading = new CatalogIndexRef();
    const moduleRef = await Test.createTestingModule({
      providers: [
        RecommendationsService,
        { provide: CatalogIndexRef, useValue: loading },
        { provide: RecommendationEngine, useValue: new RecommendationEngine() },
        { provide: TrendsService, useValue: trends },
        { provide: MOOD_PREDICTOR, useValue: mood },
      ],
    }).compile();
    await expectAppError(
      () => moduleRef.get(RecommendationsService).recommend(get({ seed_genres: 'pop' })),
      503,
      'CATALOG_LOADING',
    );
  });

  it("prefers tracks predicted in the mood asked for, and refuses a mood the model doesn't know", async () => {
    const query = { seed_tracks: records[7].id, limit: '30' };
    const inMood = (tracks: { id: string }[]) =>
      tracks.filter((track) => records.findIndex((r) => r.id === track.id) % 3 === 2).length;
    const without = service.recommend(get(query));
    const sad = service.recommend(get({ ...query, mood: 'Sad' }));
    expect(inMood(sad.tracks)).toBeGreaterThan(inMood(without.tracks));
    const error = await expectAppError(
      () => service.recommend(get({ ...query, mood: 'Joyful' })),
      400,
      'VALIDATION_FAILED',
    );
    expect(error.message).toContain('Calm, Energetic, Sad');
    mood.moods.mockReturnValue([]);
    await expectAppError(
      () => service.recommend(get({ ...query, mood: 'Sad' })),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('POST: targets from the trend, mood from the model, the latest tracks as seeds, none of the history back', async () => {
    const history = historyOf(records.slice(100, 112));
    const query = post({ periods: '5' });
    const answer = await service.recommendFromHistory(history, query);
    expect(trends.forecastTargets).toHaveBeenCalledWith(history, query.trend);
    expect(answer.targets).toEqual(METRICS);
    expect(answer.mood).toEqual({ name: 'Energetic', source: 'model', confidence: 0.8 });
    expect(answer.seeds.map((seed) => seed.id)).toEqual(
      records
        .slice(107, 112)
        .map((r) => r.id)
        .reverse(),
    );
    const historyIds = new Set(history.tracks.map((track) => track.id));
    expect(answer.tracks).toHaveLength(20);
    for (const track of answer.tracks) expect(historyIds.has(track.id)).toBe(false);
  });

  it('POST: a mood or target in the query wins over the model and the trend', async () => {
    const answer = await service.recommendFromHistory(
      historyOf(records.slice(0, 4)),
      post({ mood: 'Calm', target_energy: '0.1' }),
    );
    expect(mood.predict).not.toHaveBeenCalled();
    expect(answer.mood).toEqual({ name: 'Calm', source: 'query', confidence: null });
    expect(answer.targets).toEqual({ ...METRICS, energy: 0.1 });
  });

  it('POST: seeds by their own features where the catalog lacks them; no mood without a model', async () => {
    mood.predict.mockReturnValue(null);
    const strangers = historyOf(
      randomCatalog(seededRandom(8), 3, { idPrefix: 'elsewhere', missing: 0 }),
    );
    const answer = await service.recommendFromHistory(strangers, post({ explain: 'true' }));
    expect(answer.mood).toBeNull();
    expect(answer.tracks).toHaveLength(20);
    const strangerIds = strangers.tracks.map((track) => track.id);
    for (const track of answer.tracks)
      expect(strangerIds).toContain(track.reason!.closest_seed!.id);
  });
});
