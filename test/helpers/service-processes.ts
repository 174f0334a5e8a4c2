import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const WORKER = join(ROOT, 'dist', 'src', 'worker.js');

/** The PostgreSQL server and the Redis the multi-instance suites run on. */
export const CLUSTER_POSTGRES_URL =
  process.env.CLUSTER_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const CLUSTER_REDIS_URL = process.env.CLUSTER_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * jest's `describe` for a suite that needs outside programs or servers; where `missing` says what
 * is lacking, `describe.skip`, after one line naming the suite and why.
 */
export function describeUnless(missing: string | null, suite: string): jest.Describe {
  if (missing) console.warn(`SKIPPED ${suite}: ${missing}`);
  return missing ? describe.skip : describe;
}

/**
 * Whether PostgreSQL at `databaseUrl` and Redis at `redisUrl` answer, asked synchronously (so that a
 * suite can decide to skip before jest collects its tests): null when both do, else why not.
 */
export function unreachableServices(databaseUrl: string, redisUrl: string): string | null {
  const probe = `
    const { Client } = require('pg');
    const { Redis } = require('ioredis');
    const [databaseUrl, redisUrl] = process.argv.slice(1);
    const pg = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
    const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    pg.connect().then(() => pg.end(), (e) => { throw new Error('PostgreSQL not reachable at ' + databaseUrl + ' (' + e.message + ')'); })
      .then(() => redis.connect().then(() => redis.ping()).catch((e) => { throw new Error('Redis not reachable at ' + redisUrl + ' (' + e.message + ')'); }))
      .then(() => { redis.disconnect(); process.exit(0); }, (e) => { console.log(e.message); process.exit(1); });`;
  try {
    execFileSync(process.execPath, ['-e', probe, databaseUrl, redisUrl], {
      cwd: ROOT,
      timeout: 15_000,
      stdio: 'pipe',
    });
    return null;
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString().trim();
    return output || (error as Error).message;
  }
}

/** Builds the service (nest build) where dist is missing or older than a source or migration. */
export function ensureBuilt(): void {
  const built = existsSync(MAIN) && existsSync(WORKER) ? statSync(MAIN).mtimeMs : 0;
  const newest = Math.max(newestIn(join(ROOT, 'src')), newestIn(join(ROOT, 'migrations')));
  if (newest > built) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', '.bin', 'nest'), 'build'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  }
}

function newestIn(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** One service process: its base URL, where its log goes, and ways to stop it. */
export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited, with its exit code (null when a signal ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: no shutdown hook runs, as when a machine dies. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL where it has not stopped after 15 s. */
  stop(): Promise<void>;
}

/**
 * Starts the built service (`node dist/src/main.js`, or dist/src/worker.js for `worker`) in its
 * own process with its own PORT and DATA_DIR (a fresh folder, removed when it stops; or `dataDir`,
 * the caller's), and `env` over the test's environment; its output goes to `logFile`.
 */
export function startService(
  name: string,
  port: number,
  env: Record<string, string>,
  {
    worker = false,
    logFile = join(tmpdir(), `service-${name}.log`),
    dataDir: givenDataDir,
  }: { worker?: boolean; logFile?: string; dataDir?: string } = {},
): ServiceProcess {
  const dataDir = givenDataDir ?? mkdtempSync(join(tmpdir(), `cluster-${name}-`));
  const child = spawn(process.execPath, [worker ? WORKER : MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      // Nothing downloads during tests and benchmarks unless one asks for it.
      CATALOG_STARTER_URL: '',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const end = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    if (!givenDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    logFile,
    exited,
    kill: () => end('SIGKILL', 0),
    stop: () => end('SIGTERM', 15_000),
  };
}

/** Waits until `check` returns a value (not undefined), trying every `everyMs` until `withinMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { withinMs, everyMs = 50 }: { withinMs: number; everyMs?: number },
): Promise<T> {
  const deadline = Date.now() + withinMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`Not within ${withinMs} ms: ${what}${cause}`);
    }
    await sleep(everyMs);
  }
}
