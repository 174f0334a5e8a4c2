/**
 * `npm run bench:faults`: load through each fault, on real service processes, a private PostgreSQL
 * cluster (initdb + pg_ctl on a free port) and loopback only; prints one table (scenario, requests
 * sent, answers by status, 5xx, resets/timeouts, time to recover, data check) and writes it to
 * bench/results/faults-<date>.json. Every loop is bounded in count and time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import {
  LISTENED_BODY,
  parseRawAnswer,
  peakRssBytes,
  portOf,
  rawExchange,
  startServing,
} from '../test/helpers/fault-services';
import { type Outcome, startLoad, summarise } from '../test/helpers/load';
import { privateServersMissing, startPrivatePostgres } from '../test/helpers/private-servers';
import type { ServiceProcess } from '../test/helpers/service-processes';

interface Row {
  scenario: string;
  sent: number;
  byStatus: Record<string, number>;
  fiveHundreds: number;
  /** Socket errors of requests the service had accepted, or that got no answer in time. */
  resetsOrTimeouts: number;
  /** Refused connections (after an instance stopped listening), counted apart. */
  refused: number;
  recoverMs: number | null;
  p99Ms: number | null;
  dataCheck: string;
}

const rows: Row[] = [];
const PREDICT = { method: 'POST' as const, path: '/api/v1/predict_mood', body: LISTENED_BODY };

function row(scenario: string, outcomes: Outcome[], extra: Partial<Row> = {}): Row {
  const summary = summarise(outcomes);
  const refused = summary.errors.ECONNREFUSED ?? 0;
  const result: Row = {
    scenario,
    sent: summary.sent,
    byStatus: summary.byStatus,
    fiveHundreds: summary.fiveHundreds,
    resetsOrTimeouts: Object.values(summary.errors).reduce((a, b) => a + b, 0) - refused,
    refused,
    recoverMs: null,
    p99Ms: summary.p99Ms,
    dataCheck: '-',
    ...extra,
  };
  rows.push(result);
  console.log(`  ${scenario}: ${JSON.stringify(result)}`);
  return result;
}

/** One raw exchange as an Outcome: its status, or how the connection failed. */
async function rawOutcome(
  call: string,
  port: number,
  head: string,
  body?: Buffer,
): Promise<Outcome> {
  const startedAt = Date.now();
  const exchange = await rawExchange(port, head, { body });
  const { status, body: answer } = parseRawAnswer(exchange.received);
  return {
    call,
    status,
    error: status === 0 ? (exchange.error ?? 'CLOSED') : undefined,
    code: (answer as { code?: string })?.code,
    startedAt,
    ms: Date.now() - startedAt,
    retries: 0,
  };
}

function chunkedUpload(url: string, bytes: number): Promise<Outcome> {
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const done = (status: number, error?: string, code?: string) =>
      resolve({
        call: 'chunked 80 MB',
        status,
        error,
        code,
        startedAt,
        ms: Date.now() - startedAt,
        retries: 0,
      });
    const outgoing = request(url, { method: 'POST' }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        done(response.statusCode ?? 0, undefined, (JSON.parse(text) as { code?: string }).code),
      );
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => done(0, error.code));
    const chunk = Buffer.alloc(1024 * 1024, ' ');
    let written = 0;
    const writeMore = () => {
      while (written < bytes / chunk.length) {
        written++;
        if (!outgoing.write(chunk)) return void outgoing.once('drain', writeMore);
      }
      outgoing.end();
    };
    writeMore();
  });
}

async function httpDoor(): Promise<void> {
  const service = await startServing('bench-http', {
    HTTP_HEADERS_TIMEOUT: '2s',
    HTTP_REQUEST_TIMEOUT: '3s',
    LOG_LEVEL: 'warn',
  });
  const port = portOf(service);
  try {
    const peakBefore = peakRssBytes(service.child.pid!);
    // 1. Bodies over BODY_LIMIT (10 MB): declared 20 MB (drained), declared 80 MB (answered at
    // once), 80 MB of unknown length (chunked), and 80 MB announced with Expect: 100-continue.
    const oversized: Outcome[] = [];
    const head = (length: number, expect = false) =>
      `POST /api/v1/predict_mood HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n${expect ? 'Expect: 100-continue\r\n' : ''}\r\n`;
    for (let i = 0; i < 10; i++) {
      oversized.push(
        await rawOutcome('declared 20 MB', port, head(20 << 20), Buffer.alloc(20 << 20, 32)),
      );
      oversized.push(
        await rawOutcome('declared 80 MB', port, head(80 << 20), Buffer.alloc(80 << 20, 32)),
      );
      oversized.push(await chunkedUpload(`${service.url}/api/v1/predict_mood`, 80 << 20));
      oversized.push(await rawOutcome('expect 80 MB', port, head(80 << 20, true)));
    }
    row('1. bodies over the limit (20/80 MB, chunked, 100-continue)', oversized, {
      dataCheck: oversized.every((o) => o.code === 'PAYLOAD_TOO_LARGE')
        ? 'every answer 413 PAYLOAD_TOO_LARGE'
        : 'FAILED',
    });

    // 1. Slowloris: 500 connections trickling headers or a body, while 4 clients call /health and
    // predict_mood; the p99 is theirs.
    const tricklers = Array.from({ length: 500 }, (_, index) =>
      index % 2 === 0
        ? rawExchange(port, '', {
            body: Buffer.from(
              `GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ${'s'.repeat(200)}\r\n\r\n`,
            ),
            trickleMs: 200,
            giveUpMs: 20_000,
          })
        : rawExchange(port, head(100_000), {
            body: Buffer.alloc(1000, 32),
            trickleMs: 200,
            giveUpMs: 20_000,
          }),
    );
    const load = startLoad({
      targets: [service.url],
      connections: 4,
      calls: [{ method: 'GET', path: '/health' }, PREDICT],
    });
    const cut = await Promise.all(tricklers);
    const served = await load.stop();
    const timedOut = cut.filter(
      (exchange) => parseRawAnswer(exchange.received).status === 408,
    ).length;
    row('1. slowloris: 500 trickling connections (p99 of the others)', served, {
      dataCheck: `${timedOut}/500 trickling connections answered 408 and cut`,
    });

    // 6. Abusive requests.
    const abusive: Outcome[] = [];
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const query = Array.from({ length: 100_000 }, (_, index) => `seed_genres=g${index}`).join('&');
    for (let i = 0; i < 20; i++) {
      abusive.push(await rawOutcome('deep JSON', port, head(deep.length), Buffer.from(deep)));
      abusive.push(
        await rawOutcome(
          '100k params',
          port,
          `GET /api/v1/recommendations?${query} HTTP/1.1\r\nHost: x\r\n\r\n`,
        ),
      );
      abusive.push(
        await rawOutcome(
          '1 MB headers',
          port,
          `GET /health HTTP/1.1\r\nHost: x\r\nX-L: ${'a'.repeat(1 << 20)}\r\n\r\n`,
        ),
      );
      abusive.push(await rawOutcome('claims 10 GB', port, head(10 * 1024 ** 3)));
    }
    const growthMb = (peakRssBytes(service.child.pid!) - peakBefore) / 2 ** 20;
    row('6. abusive: 100k-deep JSON, 100k params, 1 MB headers, 10 GB claim', abusive, {
      dataCheck: `every answer 4xx: ${abusive.every((o) => o.status >= 400 && o.status < 500)}; peak RSS +${growthMb.toFixed(1)} MB over scenarios 1 and 6`,
    });
  } finally {
    await service.stop();
  }
}

async function withPostgres(): Promise<void> {
  const missing = privateServersMissing();
  if (missing) {
    console.log(`  scenarios 2 and 4 skipped: ${missing}`);
    return;
  }
  const postgres = await startPrivatePostgres();
  const services: ServiceProcess[] = [];
  const onPg = async <T>(work: (client: Client) => Promise<T>) => {
    const client = new Client({ connectionString: postgres.url('faults') });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  try {
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE faults');
    await admin.end();
    const env = {
      DATABASE_URL: postgres.url('faults'),
      SHUTDOWN_TIMEOUT: '10s',
      DB_CONNECT_TIMEOUT: '1s',
      LOG_LEVEL: 'warn',
    };
    const serve = async (name: string) => {
      const service = await startServing(name, env);
      services.push(service);
      return service;
    };

    // 4. SIGTERM at 8 connections, one instance.
    const a = await serve('bench-a');
    let load = startLoad({
      targets: [a.url],
      connections: 8,
      calls: [
        PREDICT,
        { method: 'GET', path: '/health' },
        { method: 'GET', path: '/api/v1/mood/runs' },
      ],
    });
    await sleep(2000);
    const signalled = Date.now();
    a.child.kill('SIGTERM');
    const exit = await a.exited;
    const stoppedMs = Date.now() - signalled;
    await sleep(200);
    row('4. SIGTERM at 8 connections (one instance)', await load.stop(), {
      recoverMs: stoppedMs,
      dataCheck: `exit code ${exit.code} after ${stoppedMs} ms (SHUTDOWN_TIMEOUT 10 s)`,
    });

    // 4. Two instances, a client retrying refused connections: SIGTERM one.
    const [b, c] = await Promise.all([serve('bench-b'), serve('bench-c')]);
    load = startLoad({
      targets: [b.url, c.url],
      connections: 8,
      retryRefused: true,
      calls: [PREDICT, { method: 'GET', path: '/api/v1/mood/runs' }],
    });
    await sleep(2000);
    b.child.kill('SIGTERM');
    const bExit = await b.exited;
    await sleep(2000);
    const pair = await load.stop();
    row('4. SIGTERM of one of two, client retries refusals', pair, {
      dataCheck: `exit code ${bExit.code}; ${pair.filter((o) => o.retries > 0).length} requests retried on the other`,
    });

    // 2. PostgreSQL restart (fast) and a 10 s stop under load on C.
    const runsBefore = await onPg((client) =>
      client.query('SELECT status, count(*)::int FROM mood_training_runs GROUP BY status'),
    );
    load = startLoad({
      targets: [c.url],
      connections: 8,
      pauseMs: 5,
      calls: [
        PREDICT,
        { method: 'GET', path: '/api/v1/mood/runs', name: 'runs' },
        { method: 'GET', path: '/api/v1/catalog', name: 'catalog' },
      ],
    });
    await sleep(1000);
    await postgres.restart();
    await sleep(1000);
    await postgres.stop();
    await sleep(10_000);
    await postgres.start();
    const back = Date.now();
    let recovered: number | null = null;
    while (Date.now() - back < 10_000) {
      if ((await fetch(`${c.url}/api/v1/mood/runs`)).ok) {
        recovered = Date.now() - back;
        break;
      }
      await sleep(50);
    }
    await sleep(500);
    const outage = await load.stop();
    const runsAfter = await onPg((client) =>
      client.query('SELECT status, count(*)::int FROM mood_training_runs GROUP BY status'),
    );
    const refusedRight = outage
      .filter((o) => o.status >= 500)
      .every((o) => o.status === 503 && o.code === 'DATABASE_UNAVAILABLE' && o.retryAfter);
    const memory = outage.filter((o) => o.call === 'POST /api/v1/predict_mood');
    row('2. PostgreSQL restart + 10 s stop (predict_mood, runs, catalog)', outage, {
      recoverMs: recovered,
      dataCheck: `5xx all 503 DATABASE_UNAVAILABLE+Retry-After: ${refusedRight}; predict_mood 200: ${memory.filter((o) => o.status === 200).length}/${memory.length}; runs unchanged: ${JSON.stringify(runsBefore.rows) === JSON.stringify(runsAfter.rows)}`,
    });
  } finally {
    await Promise.all(services.map((service) => service.kill()));
    await postgres.destroy();
  }
}

async function main(): Promise<void> {
  console.log('Faults benchmark (loopback only; each scenario bounded in time)');
  await httpDoor();
  await withPostgres();
  console.log(
    '\n| scenario | sent | answers by status | 5xx | resets/timeouts | refused | recover (ms) | p99 (ms) | data check |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const statuses = Object.entries(r.byStatus)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    console.log(
      `| ${r.scenario} | ${r.sent} | ${statuses} | ${r.fiveHundreds} | ${r.resetsOrTimeouts} | ${r.refused} | ${r.recoverMs ?? '-'} | ${r.p99Ms ?? '-'} | ${r.dataCheck} |`,
    );
  }
  const folder = join(__dirname, 'results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `faults-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
  console.log(`\nWritten to ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
