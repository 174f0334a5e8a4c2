import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMALL_MOOD_TRAINING, TEST_ADMIN_KEY } from './create-test-app';
import { moodDataset } from './mood-data';
import { type LoadCall, type Outcome, startLoad } from './load';
import { freePort } from './private-servers';
import { ensureBuilt, eventually, type ServiceProcess, startService } from './service-processes';

/**
 * Real service processes for the fault suites and the faults benchmark: small mood training (a
 * model is trained at start, so that predict_mood answers from memory), no downloads, one log line
 * per request.
 */
export const FAULT_SERVICE_ENV: Record<string, string> = {
  ...SMALL_MOOD_TRAINING,
  MOOD_TRAIN_ON_START: 'true',
  MOOD_CV_FOLDS: '2',
  ADMIN_API_KEY: TEST_ADMIN_KEY,
  LOG_LEVEL: 'log',
  CATALOG_STARTER_URL: '',
  NO_COLOR: '1',
};

/** The admin key's header, on the calls that need it. */
export const ADMIN = { 'x-api-key': TEST_ADMIN_KEY };

/** A few tracks a listener played, as predict_mood's body. */
export const LISTENED_BODY = JSON.stringify(
  moodDataset.slice(0, 5).map(({ tag: _tag, playlist: _playlist, ...track }) => track),
);

/** predict_mood on LISTENED_BODY, as a load call: answered from the model in memory. */
export const PREDICT_CALL: LoadCall = {
  method: 'POST',
  path: '/api/v1/predict_mood',
  body: LISTENED_BODY,
};

/**
 * Starts `dist/src/main.js` (built first where stale) on a free port with FAULT_SERVICE_ENV and
 * `env` (and DATA_DIR `dataDir` where given), and waits until /health answers and, with `model`,
 * predict_mood answers 200.
 */
export async function startServing(
  name: string,
  env: Record<string, string> = {},
  {
    model = true,
    withinMs = 120_000,
    dataDir,
  }: { model?: boolean; withinMs?: number; dataDir?: string } = {},
): Promise<ServiceProcess> {
  ensureBuilt();
  const port = await freePort();
  const service = startService(
    name,
    port,
    { ...FAULT_SERVICE_ENV, ...env },
    { logFile: join(tmpdir(), `faults-${name}-${port}.log`), dataDir },
  );
  const exitedEarly = service.exited.then(({ code, signal }) => {
    throw new Error(
      `${name} exited (${code ?? signal}) before serving; its log: ${service.logFile}\n${readFileSync(service.logFile, 'utf8').slice(-2000)}`,
    );
  });
  const ready = eventually(
    `${name} serves${model ? ' predict_mood' : ''}`,
    async () => {
      if (!(await fetch(`${service.url}/health`)).ok) return undefined;
      if (!model) return true;
      const answer = await fetch(`${service.url}/api/v1/predict_mood`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: LISTENED_BODY,
      });
      return answer.ok ? true : undefined;
    },
    { withinMs, everyMs: 250 },
  );
  await Promise.race([ready, exitedEarly]);
  void exitedEarly.catch(() => undefined);
  return service;
}

/** The port of a service started by startServing. */
export const portOf = (service: ServiceProcess): number => Number(new URL(service.url).port);

/** The most resident memory the process has had so far (VmHWM), in bytes (Linux). */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`No VmHWM in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

/** What a client read on a raw connection before it closed, and how the connection ended. */
export interface RawExchange {
  /** Everything received. */
  received: string;
  /** The socket error, if the connection ended with one (ECONNRESET, EPIPE). */
  error?: string;
  /** Milliseconds from connecting to the first byte received, and to the close. */
  firstByteMs?: number;
  closedMs: number;
}

/**
 * Sends `head` at once and then `body` (at once, or a byte every `trickleMs`) on a raw TCP
 * connection, and reads until the server closes it (or `giveUpMs`). To trickle headers, pass them
 * as the body with an empty head.
 */
export function rawExchange(
  port: number,
  head: string,
  {
    body = Buffer.alloc(0),
    trickleMs,
    giveUpMs = 30_000,
  }: { body?: Buffer; trickleMs?: number; giveUpMs?: number } = {},
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    const chunks: Buffer[] = [];
    let firstByteMs: number | undefined;
    let error: string | undefined;
    let trickle: NodeJS.Timeout | undefined = undefined;
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= Date.now() - started;
      chunks.push(chunk);
    });
    socket.on('error', (failure: NodeJS.ErrnoException) => (error = failure.code));
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(trickle);
      resolve({
        received: Buffer.concat(chunks).toString('latin1'),
        error,
        firstByteMs,
        closedMs: Date.now() - started,
      });
    });
    if (head) socket.write(Buffer.from(head, 'latin1'));
    if (trickleMs === undefined) {
      socket.write(body);
      return;
    }
    let sent = 0;
    trickle = setInterval(() => {
      if (socket.destroyed || !socket.writable || sent >= body.length) return;
      socket.write(body.subarray(sent, sent + 1));
      sent++;
    }, trickleMs);
  });
}

/** The status and the JSON body of a raw HTTP/1.1 answer. */
export function parseRawAnswer(received: string): { status: number; body: unknown } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
  const text = received.slice(received.indexOf('\r\n\r\n') + 4);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status, body };
}

/** Everyday traffic: predict_mood (from memory), /health and the runs list (from the database). */
export const EVERYDAY_CALLS: LoadCall[] = [
  PREDICT_CALL,
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/api/v1/mood/runs' },
];

/**
 * Scenario 4's stop: `service` under 8 connections of EVERYDAY_CALLS for a
 * second, then SIGTERM. Every call's outcome, the exit code, when it was signalled and how long it
 * took to exit.
 */
export async function sigtermUnderLoad(service: ServiceProcess): Promise<{
  outcomes: Outcome[];
  code: number | null;
  signalledAt: number;
  stoppedMs: number;
}> {
  const load = startLoad({
    targets: [service.url],
    connections: 8,
    calls: EVERYDAY_CALLS,
  });
  await sleep(1000);
  const signalledAt = Date.now();
  service.child.kill('SIGTERM');
  const { code } = await service.exited;
  const stoppedMs = Date.now() - signalledAt;
  await sleep(300);
  return { outcomes: await load.stop(), code, signalledAt, stoppedMs };
}

/**
 * POSTs a JSON body of unknown length (chunked) to `url`: "[" and then `bytes` of spaces, a
 * megabyte at a time as fast as the connection takes them. What the service answered, or the code
 * of the socket error.
 */
export function postChunked(
  url: string,
  bytes: number,
): Promise<{ status?: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const outgoing = request(url, { method: 'POST' }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ body: '', error: error.code }),
    );
    const chunk = Buffer.alloc(1024 * 1024, ' ');
    let written = 0;
    const writeMore = () => {
      while (written < bytes / chunk.length) {
        written++;
        if (!outgoing.write(chunk)) return void outgoing.once('drain', writeMore);
      }
      outgoing.end();
    };
    outgoing.write('[');
    writeMore();
  });
}
