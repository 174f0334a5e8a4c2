import request from 'supertest';
import { CatalogHarvester } from '../src/catalog/catalog-harvester';
import { CatalogWriters } from '../src/catalog/storage/catalog-writers';
import { createTestApp, SMALL_MOOD_TRAINING, type TestApp } from './helpers/create-test-app';
import { ADMIN, smallDataset } from './helpers/mood-data';
import { readSharedJson } from './helpers/shared-data';

type Row = Record<string, unknown> & { id: string };

/** Five tracks with Spotify ids, features and play times. */
const history = readSharedJson<Row[]>('trendy_metrics.json');

/** The history under ids of its own (each call's tracks must land because of that call). */
const historyAs = (prefix: string): Row[] =>
  history.map((track) => ({ ...track, id: `${prefix}${track.id.slice(prefix.length)}` }));

/** A track the catalog holds by now, or null. */
async function catalogTrack(testApp: TestApp, id: string): Promise<Record<string, unknown> | null> {
  const response = await request(testApp.app.getHttpServer()).get(`/api/v1/catalog/tracks/${id}`);
  return response.status === 200 ? (response.body as Record<string, unknown>) : null;
}

describe('harvest: tracks posted to the calls join the catalog', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());
  const flush = () => testApp.app.get(CatalogHarvester).flush();

  beforeAll(async () => {
    testApp = await createTestApp({ ...SMALL_MOOD_TRAINING, CATALOG_HARVEST_FLUSH_MS: '60000' });
    await http().get('/api/v1/default_train_mood').set(ADMIN).expect(200);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it.each([
    ['POST /metrics', 'M', '/api/v1/metrics'],
    ['POST /similarity', 'S', '/api/v1/similarity?recent=2'],
    ['POST /predict_mood', 'P', '/api/v1/predict_mood'],
    ['POST /recommendations', 'R', '/api/v1/recommendations'],
  ])('%s: its tracks, with their features, once the batch is written', async (_, prefix, url) => {
    const tracks = historyAs(prefix);
    const track = tracks[0];
    expect(await catalogTrack(testApp, track.id)).toBeNull();
    // (recommendations answer 503 over an empty catalog, after reading the history)
    expect([200, 503]).toContain((await http().post(url).send(tracks)).status);
    await flush();
    expect(await catalogTrack(testApp, track.id)).toMatchObject({
      id: track.id,
      features: expect.objectContaining({ energy: track.energy, tempo: track.tempo }),
    });
  });

  it('POST /retrain_mood: the labelled tracks too', async () => {
    const dataset = smallDataset().map((row, i) => ({
      ...row,
      id: `T${String(i).padStart(3, '0')}${String(row.id).slice(4)}`,
    }));
    await http().post('/api/v1/retrain_mood').set(ADMIN).send(dataset).expect(200);
    await flush();
    const sampled = dataset[7] as Row;
    expect(await catalogTrack(testApp, sampled.id)).toMatchObject({
      features: expect.objectContaining({ valence: sampled.valence }),
    });
  });

  it('answers without waiting for the harvest: a stuck catalog write holds no call up', async () => {
    const writers = testApp.app.get(CatalogWriters);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const create = writers.create.bind(writers);
    const stuck = jest.spyOn(writers, 'create').mockImplementation(() => {
      const writer = create();
      const begin = writer.begin.bind(writer);
      writer.begin = async () => {
        await released;
        return begin();
      };
      return writer;
    });
    try {
      const fresh = historyAs('W');
      await http().post('/api/v1/predict_mood').send(fresh).expect(200);
      const writing = flush(); // starts the write, which waits on `released`
      await http().post('/api/v1/metrics').send(fresh).expect(200);
      await http().post('/api/v1/predict_mood').send(fresh).expect(200);
      expect(await catalogTrack(testApp, fresh[0].id)).toBeNull();
      release();
      await writing;
      expect(await catalogTrack(testApp, fresh[0].id)).not.toBeNull();
    } finally {
      release();
      stuck.mockRestore();
    }
  });
});

describe('harvest turned off (CATALOG_HARVEST=false)', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ CATALOG_HARVEST: 'false' });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('adds nothing to the catalog', async () => {
    await request(testApp.app.getHttpServer()).post('/api/v1/metrics').send(history).expect(200);
    await testApp.app.get(CatalogHarvester).flush();
    expect(await catalogTrack(testApp, history[0].id)).toBeNull();
  });
});
