/**
 * In-process benchmark of POST /metrics' work (body parsing, 11 Prophet fits in ProphetPool's
 * worker threads, response), without HTTP: p50/p95 on the 5-track sample one call at a time,
 * calls/s with 10 in flight, the longest event-loop stall while fitting, and RSS over 10,000 calls
 * that mix the sample, constant and all-zero series, a 150-track history (the L-BFGS path) and
 * inputs that fail with a 400.
 *   npm run bench:trends      (CALLS=10000 and TRENDS_WORKERS to change)
 * A benchmark, not a test: it prints numbers and never fails on them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseTracksBody } from '../src/common/tracks';
import { TrendsQueryDto } from '../src/trends/dto/trends-query.dto';
import { validateEnvironment } from '../src/config';
import { ProphetPool } from '../src/trends/prophet-pool';
import { TrendsService } from '../src/trends/trends.service';
import { readSharedJson } from '../test/helpers/shared-data';

const CALLS = Number(process.env.CALLS ?? 10_000);
const WORKERS = validateEnvironment(process.env).TRENDS_WORKERS;
const sample = readSharedJson<Record<string, unknown>[]>('trendy_metrics.json');

function longHistory(n: number): Record<string, unknown>[] {
  const start = Date.parse('2023-08-10T08:00:00Z');
  return Array.from({ length: n }, (_, i) => ({
    ...sample[i % sample.length],
    played_at: new Date(start + i * 200_000 + (i % 7) * 9_000).toISOString(),
    energy: 0.5 + 0.4 * Math.sin(i / 9),
    tempo: 100 + (i % 13) * 3,
  }));
}

const inputs = {
  sample,
  constant: sample.map((row) => ({ ...row, energy: 0.7, danceability: 0.7, tempo: 120 })),
  zero: sample.map((row) => ({ ...row, instrumentalness: 0, speechiness: 0, acousticness: 0 })),
  medium: longHistory(60),
  long: longHistory(150),
  oneTrack: [sample[0]],
  badValue: sample.map((row, i) => (i === 1 ? { ...row, energy: 'loud' } : row)),
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const pool = new ProphetPool({ workers: WORKERS });
  pool.onModuleInit();
  const service = new TrendsService(pool);
  const query = new TrendsQueryDto();
  const call = async (body: unknown): Promise<boolean> => {
    try {
      await service.forecastTargets(parseTracksBody(body), query);
      return true;
    } catch {
      return false;
    }
  };
  const timed = async (body: unknown, n: number): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await call(body);
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b);
  };

  for (let i = 0; i < 300; i++) await call(inputs.sample);
  const stall = monitorEventLoopDelay({ resolution: 1 });
  stall.enable();
  const times = await timed(inputs.sample, 2000);
  const mediumTimes = await timed(inputs.medium, 20);
  const longTimes = await timed(inputs.long, 20);
  stall.disable();
  console.log(`${WORKERS} fit worker(s)`);
  console.log(
    `5-track sample: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (2000 calls)`,
  );
  console.log(`60-track history: p50 ${percentile(mediumTimes, 50).toFixed(1)} ms (20 calls)`);
  console.log(`150-track history: p50 ${percentile(longTimes, 50).toFixed(1)} ms (20 calls)`);
  console.log(
    `event loop during those calls: longest stall ${(stall.max / 1e6).toFixed(1)} ms, p99 ${(stall.percentile(99) / 1e6).toFixed(1)} ms`,
  );

  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next++ < 2000) await call(inputs.sample);
    }),
  );
  console.log(
    `5-track sample, 10 in flight: ${(2000 / ((performance.now() - started) / 1000)).toFixed(0)} calls/s`,
  );

  const mb = () => (process.memoryUsage().rss / 1e6).toFixed(1);
  const rssStart = mb();
  let failures = 0;
  const rotation = [inputs.sample, inputs.constant, inputs.zero, inputs.oneTrack, inputs.badValue];
  for (let i = 1; i <= CALLS; i++) {
    const body = i % 100 === 0 ? inputs.long : rotation[i % rotation.length];
    if (!(await call(body))) failures++;
    if (i % (CALLS / 5) === 0) console.log(`  after ${i} calls: RSS ${mb()} MB`);
  }
  console.log(
    `RSS of the main thread (workers included) over ${CALLS} mixed calls (${failures} failed with 400): ${rssStart} MB → ${mb()} MB`,
  );
  await pool.stop();
}

void main();
