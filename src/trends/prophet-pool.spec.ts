import { readSharedJson } from '../../test/helpers/shared-data';
import { watchWorkerThreads } from '../../test/helpers/worker-threads';
import { ServiceUnavailableError } from '../common/errors';
import type { TimeSeries } from './prophet-engine';
import { ProphetPool } from './prophet-pool';

const T0 = Math.round(Date.parse('2023-08-10T15:47:50Z') / 1000);
const sample =
  readSharedJson<{ played_at: string; energy: number; tempo: number; loudness: number }[]>(
    'trendy_metrics.json',
  );
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

/** The real pool, with real Prophet in its workers (test/trends-fidelity checks their numbers). */
describe('ProphetPool (Prophet fits in worker threads)', () => {
  const workers = watchWorkerThreads();
  const pool = new ProphetPool({ workers: 1 });
  beforeAll(() => pool.onModuleInit());
  afterAll(async () => {
    await pool.stop();
    workers.stop();
  });

  it('fits on the Newton path (5 plays) and the L-BFGS path (150), the same from a fresh pool', async () => {
    const fresh = new ProphetPool({ workers: 1 });
    fresh.onModuleInit();
    try {
      for (const series of [...short, long]) {
        const future = futureOf(series);
        const [fromPool] = await pool.forecastAll([series], future);
        const [fromFresh] = await fresh.forecastAll([series], future);
        expect(fromPool.yhat).toHaveLength(10);
        expect(fromPool.yhat.every(Number.isFinite)).toBe(true);
        expect(fromFresh).toEqual(fromPool);
      }
    } finally {
      await fresh.stop();
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
    const before = workers.started.length;
    recycling.onModuleInit();
    try {
      const future = futureOf(short[0]);
      const [first] = await recycling.forecastAll([short[1]], future);
      expect(workers.started.length).toBe(before + 1);
      const again = (await recycling.forecastAll(short, future))[1]; // 4 series: the limit
      const [after] = await recycling.forecastAll([short[1]], future);
      expect(workers.started.length).toBe(before + 2);
      expect(workers.started[before].threadId).toBe(-1); // the first one has exited
      expect(again.yhat).toEqual(first.yhat);
      expect(after.yhat).toEqual(first.yhat);
    } finally {
      await recycling.stop();
    }
  });

  it('fails the job of a crashed worker with a 503 and answers the next one', async () => {
    const [expected] = await pool.forecastAll([short[0]], futureOf(short[0]));
    const running = pool.forecastAll([long, long, long, long], futureOf(long));
    const failed = running.then(
      () => undefined,
      (error: unknown) => error,
    );
    // Let the worker take the job, then kill it as a crash would.
    while (!workers.crashBusyWorker()) await new Promise((r) => setImmediate(r));
    const error = await failed;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).status).toBe(503);
    const [next] = await pool.forecastAll([short[0]], futureOf(short[0]));
    expect(next.yhat).toEqual(expected.yhat);
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
