import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ServiceUnavailableError } from '../common/errors';
import { ProphetEngine, TimeSeries } from './prophet-engine';
import { ProphetPool } from './prophet-pool';

const T0 = Math.round(Date.parse('2023-08-10T15:47:50Z') / 1000);
const sample = JSON.parse(
  readFileSync(
    resolve(__dirname, '..', '..', '..', 'shared', 'data', 'trendy_metrics.json'),
    'utf8',
  ),
) as { played_at: string; energy: number; tempo: number; loudness: number }[];
const short: TimeSeries[] = (['energy', 'tempo', 'loudness'] as const).map((metric) => ({
  ds: sample.map((row) => Math.round(Date.parse(row.played_at) / 1000)),
  y: sample.map((row) => row[metric]),
}));
/** 150 points: the L-BFGS path. */
const long: TimeSeries = {
  ds: Array.from({ length: 150 }, (_, i) => T0 + i * 200 + (i % 7) * 9),
  y: Array.from({ length: 150 }, (_, i) => 0.5 + 0.4 * Math.sin(i / 9) + 0.001 * i),
};
const futureOf = (series: TimeSeries) =>
  Array.from({ length: 10 }, (_, i) => series.ds[series.ds.length - 1] + (i + 1) * 60);

describe('ProphetPool (Prophet fits in worker threads)', () => {
  const pool = new ProphetPool({ workers: 1 });
  const engine = new ProphetEngine();
  beforeAll(async () => {
    pool.onModuleInit();
    await engine.load();
  });
  afterAll(async () => {
    engine.onModuleDestroy();
    await pool.stop();
  });

  it('gives bit for bit the forecasts of the in-process engine (Newton and L-BFGS paths)', async () => {
    for (const series of [...short, long]) {
      const future = futureOf(series);
      const [fromPool] = await pool.forecastAll([series], future);
      const inProcess = engine.forecast(series, future);
      expect(fromPool.yhat).toEqual(inProcess.yhat);
      expect(fromPool.trend).toEqual(inProcess.trend);
    }
  });

  it('keeps the event loop turning while it fits', async () => {
    let ticks = 0;
    let done = false;
    const tick = () => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    await pool.forecastAll([long, long, long], futureOf(long));
    done = true;
    expect(ticks).toBeGreaterThan(1);
  });

  it('forecasts a constant series as itself and refuses a non-finite value, then fits on', async () => {
    const flat = { ds: short[0].ds, y: short[0].y.map(() => 0) };
    const [forecast] = await pool.forecastAll([flat], futureOf(flat), 0.8);
    expect(forecast).toEqual({
      yhat: Array(10).fill(0),
      trend: Array(10).fill(0),
      lower: Array(10).fill(0),
      upper: Array(10).fill(0),
    });
    const broken = { ds: short[0].ds, y: [...short[0].y.slice(0, 4), Number.NaN] };
    await expect(pool.forecastAll([broken], futureOf(broken))).rejects.toThrow(/non-finite/);
    await expect(pool.forecastAll(short, futureOf(short[0]))).resolves.toHaveLength(3);
  });

  it('replaces a worker after `recycleAfterFits` series, with the same answers', async () => {
    const recycling = new ProphetPool({ workers: 1, recycleAfterFits: 4 });
    recycling.onModuleInit();
    try {
      const future = futureOf(short[0]);
      const [before] = await recycling.forecastAll([short[1]], future);
      const thread = recycling.threadIds[0];
      const again = (await recycling.forecastAll(short, future))[1]; // 4 series: the limit
      expect(recycling.threadIds).not.toContain(thread);
      expect(recycling.threadIds).toHaveLength(1);
      const [after] = await recycling.forecastAll([short[1]], future);
      expect(again.yhat).toEqual(before.yhat);
      expect(after.yhat).toEqual(before.yhat);
    } finally {
      await recycling.stop();
    }
  });

  it('fails the job of a crashed worker with a 503 and answers the next one', async () => {
    const running = pool.forecastAll([long, long, long, long], futureOf(long));
    const failed = running.then(
      () => undefined,
      (error: unknown) => error,
    );
    // Let the worker take the job, then kill it as a crash would.
    while (!pool.crashBusyWorker()) await new Promise((r) => setImmediate(r));
    const error = await failed;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).status).toBe(503);
    const [next] = await pool.forecastAll([short[0]], futureOf(short[0]));
    expect(next.yhat).toEqual(engine.forecast(short[0], futureOf(short[0])).yhat);
  });

  it('answers a timed-out job with a 503 instead of hanging', async () => {
    const impatient = new ProphetPool({ workers: 1, jobTimeoutMs: 1 });
    impatient.onModuleInit();
    try {
      await expect(impatient.forecastAll([long, long], futureOf(long))).rejects.toThrow(
        /timed out/,
      );
    } finally {
      await impatient.stop();
    }
  });
});
