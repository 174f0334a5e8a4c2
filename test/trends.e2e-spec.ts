import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_RANGES, TREND_METRICS } from '../src/trends/trend-metrics';
import { toPandasColumns } from './helpers/pandas-columns';
import { expectErrorBody, useTestApp } from './helpers/create-test-app';
import { readSharedJson } from './helpers/shared-data';
import { type WatchedWorkers, watchWorkerThreads } from './helpers/worker-threads';

const URL = '/api/v1/metrics';
type Row = Record<string, unknown>;
const sample = readSharedJson<Row[]>('trendy_metrics.json');
const golden = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'trends', 'golden.json'), 'utf8'),
) as { cases: { source?: string; reference: Record<string, { yhat: number[] }> }[] };
const sampleReference = golden.cases.find((c) => c.source === 'trendy_metrics.json')!.reference;

describe('POST /api/v1/metrics', () => {
  // Watching before the app starts: its fit workers start with it.
  let workers: WatchedWorkers;
  beforeAll(() => {
    workers = watchWorkerThreads();
  });
  const { http } = useTestApp();
  afterAll(() => workers.stop());

  it('forecasts the shared sample 10 minutes ahead, as reference Prophet does, clamped', async () => {
    const response = await http().post(URL).send(sample).expect(200);
    const { metrics, horizon, history, spotify_query, skipped } = response.body;

    expect(Object.keys(metrics)).toEqual([...TREND_METRICS]);
    for (const metric of TREND_METRICS) {
      const [low, high] = METRIC_RANGES[metric];
      const reference = Math.min(high, Math.max(low, sampleReference[metric].yhat[9]));
      expect(Math.abs(metrics[metric] - reference) / (high - low)).toBeLessThan(0.01);
    }
    // The sample trends down in danceability and energy: reference Prophet forecasts below 0.
    expect(metrics.danceability).toBe(0);
    expect(metrics.energy).toBe(0);
    expect(metrics.tempo).toBeCloseTo(132.478, 1);
    expect(horizon).toEqual({
      periods: 10,
      freq: '1min',
      step_seconds: 60,
      last_played_at: '2023-08-10T15:51:50.611Z',
      target_time: '2023-08-10T16:01:50.611Z',
    });
    expect(history).toBe(5);
    expect(skipped).toEqual([]);
    const newestFirst = sample.map((row) => row.id as string).reverse();
    expect(spotify_query.seed_tracks).toBe(newestFirst.join(','));
    expect(spotify_query.target_mode).toBe(0);
    expect(spotify_query.target_tempo).toBeCloseTo(metrics.tempo, 3);
  });

  it('answers the same for an array, {tracks: [...]}, pandas columns, and `ts` play times', async () => {
    const bare = await http().post(URL).send(sample).expect(200);
    const wrapped = await http().post(URL).send({ tracks: sample }).expect(200);
    const columns = await http().post(URL).send(toPandasColumns(sample)).expect(200);
    const withTs = sample.map(({ played_at, ...row }) => ({
      ...row,
      ts: String(played_at).replace('T', ' ').replace('Z', ''),
    }));
    const ts = await http().post(URL).send(withTs).expect(200);
    expect(wrapped.body).toEqual(bare.body);
    expect(columns.body).toEqual(bare.body);
    expect(ts.body.metrics).toEqual(bare.body.metrics);
  });

  it('needs only the 11 trend metrics: tracks without key and time_signature answer the same', async () => {
    const full = await http().post(URL).send(sample).expect(200);
    const withoutKeyAndMeter = sample.map(({ key: _k, time_signature: _t, ...row }) => row);
    const partial = await http().post(URL).send(withoutKeyAndMeter).expect(200);
    expect(partial.body.metrics).toEqual(full.body.metrics);
  });

  it('is a 400 naming a missing trend metric by path', async () => {
    // A track the catalog does not hold (it would fill the feature from its own).
    const body = sample.map((row, i) =>
      i === 3 ? { ...row, id: 'not-in-the-catalog', energy: undefined } : row,
    );
    const response = await http().post(URL).send(body).expect(400);
    expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
    expect(response.body.details).toEqual([{ path: 'tracks[3].energy', message: 'is required' }]);
  });

  it('orders tracks by play time, not by their place in the body', async () => {
    const bare = await http().post(URL).send(sample).expect(200);
    const shuffled = await http()
      .post(URL)
      .send([sample[3], sample[0], sample[4], sample[2], sample[1]])
      .expect(200);
    expect(shuffled.body.metrics).toEqual(bare.body.metrics);
  });

  it('forecasts a constant feature as itself', async () => {
    const constant = sample.map((row) => ({ ...row, valence: 0.61, instrumentalness: 0 }));
    const response = await http().post(URL).send(constant).expect(200);
    expect(response.body.metrics.valence).toBe(0.61);
    expect(response.body.metrics.instrumentalness).toBe(0);
  });

  it('honours periods and freq, and adds clamped bounds when an interval is asked for', async () => {
    const response = await http().post(`${URL}?periods=4&freq=30s&interval=0.8`).send(sample);
    expect(response.status).toBe(200);
    expect(response.body.horizon).toEqual(
      expect.objectContaining({
        periods: 4,
        step_seconds: 30,
        target_time: '2023-08-10T15:53:50.611Z',
      }),
    );
    const { width, lower, upper } = response.body.intervals;
    expect(width).toBe(0.8);
    for (const metric of TREND_METRICS) {
      const [low, high] = METRIC_RANGES[metric];
      expect(lower[metric]).toBeGreaterThanOrEqual(low);
      expect(upper[metric]).toBeLessThanOrEqual(high);
      expect(lower[metric]).toBeLessThanOrEqual(upper[metric]);
    }
    expect(upper.tempo - lower.tempo).toBeGreaterThan(0);
  });

  it.each([
    ['2h', 7200],
    ['5min', 300],
    ['T', 60],
    ['90S', 90],
  ])('reads freq=%s as %d seconds', async (freq, seconds) => {
    const response = await http().post(`${URL}?freq=${freq}`).send(sample).expect(200);
    expect(response.body.horizon.step_seconds).toBe(seconds);
  });

  it.each([
    ['periods=0', 'periods'],
    ['periods=1001', 'periods'],
    ['periods=2.5', 'periods'],
    ['periods=abc', 'periods'],
    ['freq=5y', 'freq'],
    ['freq=min5', 'freq'],
    ['interval=1.5', 'interval'],
    ['interval=0', 'interval'],
    ['interval=wide', 'interval'],
  ])('rejects %s naming %s', async (queryString, field) => {
    const response = await http().post(`${URL}?${queryString}`).send(sample).expect(400);
    expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
    expect(response.body.details).toEqual([expect.objectContaining({ path: field })]);
  });

  it('rejects a bad feature naming it by path', async () => {
    const body = sample.map((row, i) => (i === 2 ? { ...row, energy: 1.5 } : row));
    const response = await http().post(URL).send(body).expect(400);
    expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
    expect(response.body.details).toEqual([expect.objectContaining({ path: 'tracks[2].energy' })]);
  });

  it.each([
    ['a single track', [sample[0]]],
    ['tracks without play times', sample.map(({ played_at: _p, ...row }) => row)],
    [
      'tracks all played at the same time',
      sample.map((row) => ({ ...row, played_at: sample[0].played_at })),
    ],
  ])('rejects %s: at least two play times are needed', async (_name, body) => {
    const response = await http().post(URL).send(body).expect(400);
    expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
    expect(response.body.details).toEqual([
      expect.objectContaining({ path: 'tracks', message: expect.stringMatching(/at least two/) }),
    ]);
  });

  it('rejects a body of the wrong shape', async () => {
    const response = await http().post(URL).send({ hello: 'world' }).expect(400);
    expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
    expect(response.body.details).toEqual([expect.objectContaining({ path: 'body' })]);
  });

  it('answers a call whose fit worker crashes with a 503, and the next call with a fresh worker', async () => {
    const start = Date.parse('2023-08-10T08:00:00Z');
    const history = Array.from({ length: 150 }, (_, i) => ({
      ...sample[i % sample.length],
      played_at: new Date(start + i * 200_000).toISOString(),
      energy: 0.5 + 0.4 * Math.sin(i / 9),
    }));
    const crashed = http()
      .post(URL)
      .send(history)
      .then((response) => response);
    for (let tries = 0; !workers.crashBusyWorker(); tries++) {
      if (tries > 10_000) throw new Error('the fit never reached a worker');
      await new Promise((resolveWait) => setTimeout(resolveWait, 1));
    }
    const response = await crashed;
    expect(response.status).toBe(503);
    expectErrorBody(response.body, 503, 'TRENDS_FIT_FAILED');

    const next = await http().post(URL).send(sample).expect(200);
    expect(next.body.history).toBe(5);
  });
});
