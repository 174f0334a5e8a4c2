/**
 * Listening bodies over HTTP, as a client sends them: a whole 50,000-play Extended streaming history
 * (made from the shared sample by test/helpers/listening-exports.ts) posted to POST
 * /api/v1/recommendations, beside the feature-carrying body of the same plays; the reader's share
 * (parse + resolve against the in-memory catalog, ListeningReader.read) measured apart in the same
 * process; and a 10-track ids-only history against the same 10 tracks with their features, p50 over
 * many requests at one connection. The service runs in this process (SQLite, the sample imported as
 * its catalog, a small mood model trained); requests go over a real socket. A benchmark, not a test:
 * it never fails on a number.
 *
 *   npm run bench:listening:http [-- --plays 50000 --runs 5 --requests 300]
 *
 * Writes bench/results/listening-http-<date>.json.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CatalogIndexLoader } from '../src/catalog-index/catalog-index-loader';
import { CatalogIndexRef } from '../src/catalog-index/catalog-index-ref';
import { CatalogMoodScorer } from '../src/catalog-index/catalog-mood-scorer';
import { ListeningReader } from '../src/listening/listening-reader';
import { LISTENING_HISTORY } from '../src/trends/trend-metrics';
import { importText } from '../test/helpers/catalog-import';
import {
  createTestApp,
  SMALL_MOOD_TRAINING,
  TEST_ADMIN_KEY,
} from '../test/helpers/create-test-app';
import { buildListeningExports } from '../test/helpers/listening-exports';
import { sharedDataPath } from '../test/helpers/shared-data';
import { loadTidyTuesday } from './recommendations/tidytuesday';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const PLAYS = argument('plays', 50_000);
const RUNS = argument('runs', 5);
const REQUESTS = argument('requests', 300);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const sample = loadTidyTuesday(sharedDataPath('spotify_songs_dev.csv'));
  const exportsOf = buildListeningExports(sample.records, { plays: PLAYS, seed: 22 });
  const testApp = await createTestApp({ ...SMALL_MOOD_TRAINING, LOG_LEVEL: 'error' });
  try {
    const catalog = exportsOf.catalog.map((record) => JSON.stringify(record)).join('\n');
    await importText(testApp.app, catalog, { contentType: 'application/x-ndjson' });
    await testApp.app.get(CatalogIndexLoader).settled();
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as { port: number };
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (path: string, body: string) =>
      new Promise<{ status: number; ms: number; text: string }>((resolve, reject) => {
        const started = performance.now();
        const call = request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              'x-api-key': TEST_ADMIN_KEY,
            },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode!,
                ms: performance.now() - started,
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            );
          },
        );
        call.on('error', reject);
        call.end(body);
      });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        request(
          { host: '127.0.0.1', port, path, agent, headers: { 'x-api-key': TEST_ADMIN_KEY } },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode!));
          },
        )
          .on('error', reject)
          .end();
      });
    if ((await get('/api/v1/default_train_mood')) !== 200) throw new Error('mood training failed');
    await testApp.app.get(CatalogMoodScorer).settled();

    // The same plays with the catalog's features inlined: what a client with features sent.
    const index = testApp.app.get(CatalogIndexRef).current;
    const withFeatures = exportsOf.extended.flatMap((play) => {
      const uri = play.spotify_track_uri;
      const slot = typeof uri === 'string' ? index.slotOf(uri.split(':')[2]) : undefined;
      if (slot === undefined || typeof play.ms_played !== 'number' || play.ms_played < 30_000)
        return [];
      const { id, features } = index.record(slot);
      return [{ id, played_at: play.ts, ...features }];
    });
    const bodies = {
      extended: JSON.stringify(exportsOf.extended),
      features: JSON.stringify(withFeatures),
    };

    // CPU time of this process (service and client both: the machine may be shared, and the
    // client's share, writing the body to a socket, is small).
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    const timed = async (body: string) => {
      const walls: number[] = [];
      const cpu: number[] = [];
      let answer = '';
      for (let i = 0; i <= RUNS; i++) {
        const since = process.cpuUsage();
        const response = await post('/api/v1/recommendations', body);
        if (response.status !== 200)
          throw new Error(`${response.status}: ${response.text.slice(0, 300)}`);
        if (i > 0) {
          walls.push(response.ms);
          cpu.push(cpuMs(since));
        }
        answer = response.text;
      }
      return { walls, cpu, answer: JSON.parse(answer) as { resolved: unknown; tracks: unknown[] } };
    };
    const exportRun = await timed(bodies.extended);
    const featuresRun = await timed(bodies.features);

    // The reader's share: parse and resolve the parsed body, in process.
    const reader = testApp.app.get(ListeningReader);
    const parsedExport: unknown = JSON.parse(bodies.extended);
    const readerMs: number[] = [];
    const readerCpu: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const since = process.cpuUsage();
      const started = performance.now();
      reader.read(parsedExport, LISTENING_HISTORY);
      if (i > 0) {
        readerMs.push(performance.now() - started);
        readerCpu.push(cpuMs(since));
      }
    }
    const jsonParseMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      JSON.parse(bodies.extended);
      jsonParseMs.push(performance.now() - started);
    }

    // A 10-track history: ids only, and the same tracks with their features.
    const ten = withFeatures.slice(-10);
    const short = {
      ids: JSON.stringify(ten.map(({ id, played_at }) => ({ id, played_at }))),
      features: JSON.stringify(ten),
    };
    const latencies: Record<keyof typeof short, number[]> = { ids: [], features: [] };
    for (let i = 0; i < REQUESTS; i++) {
      // Interleaved, so both see the same machine.
      for (const kind of ['ids', 'features'] as const) {
        const response = await post('/api/v1/recommendations', short[kind]);
        if (response.status !== 200) throw new Error(`${kind}: ${response.status}`);
        if (i >= 10) latencies[kind].push(response.ms);
      }
    }

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
      node: process.version,
      catalog_tracks: index.size,
      export: {
        plays: exportsOf.extended.length,
        bytes: Buffer.byteLength(bodies.extended),
        resolved: exportRun.answer.resolved,
        post_recommendations_ms: {
          p50: ms(median(exportRun.walls)),
          runs: exportRun.walls.map(ms),
        },
        post_recommendations_cpu_ms: { p50: ms(median(exportRun.cpu)) },
        reader_ms: { p50: ms(median(readerMs)), runs: readerMs.map(ms) },
        reader_cpu_ms: { p50: ms(median(readerCpu)) },
        json_parse_ms: { p50: ms(median(jsonParseMs)) },
      },
      same_plays_with_features: {
        rows: withFeatures.length,
        bytes: Buffer.byteLength(bodies.features),
        post_recommendations_ms: {
          p50: ms(median(featuresRun.walls)),
          runs: featuresRun.walls.map(ms),
        },
        post_recommendations_cpu_ms: { p50: ms(median(featuresRun.cpu)) },
      },
      ten_track_history: Object.fromEntries(
        (['ids', 'features'] as const).map((kind) => [
          kind,
          {
            p50_ms: ms(median(latencies[kind])),
            p99_ms: ms(percentile(latencies[kind], 99)),
            requests: latencies[kind].length,
          },
        ]),
      ),
    };
    console.log(JSON.stringify(results, null, 2));
    const folder = join(__dirname, 'results');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, `listening-http-${results.date.slice(0, 10)}.json`),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    agent.destroy();
  } finally {
    await testApp.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
