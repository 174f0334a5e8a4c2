import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * A PostgreSQL cluster and a Redis server of a test's own, on free ports, that the test may stop,
 * restart or kill without touching the machine's. Both are removed when the test process exits,
 * even when a test failed before its cleanup ran.
 */

/** A free TCP port on the loopback interface (free when asked; taken by the caller at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const cleanUps = new Set<() => void>();
process.once('exit', () => {
  for (const cleanUp of cleanUps) cleanUp();
});

/** Where Debian (or POSTGRES_BIN_DIR) keeps initdb and pg_ctl, the newest version first. */
function postgresBinDir(): string | undefined {
  const candidates = process.env.POSTGRES_BIN_DIR
    ? [process.env.POSTGRES_BIN_DIR]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => join('/usr/lib/postgresql', version, 'bin'))
      : [];
  return candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a private PostgreSQL or Redis cannot be started here (null when both can): the one line a
 * suite prints when it skips.
 */
export function privateServersMissing({ redis = false } = {}): string | null {
  if (!postgresBinDir()) {
    return 'PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or POSTGRES_BIN_DIR (apt-get install postgresql)';
  }
  if (process.getuid?.() === 0 && !onPath('runuser')) {
    return 'running as root, and runuser (to run initdb as the postgres user) is not on PATH';
  }
  if (redis && !onPath('redis-server'))
    return 'redis-server not found (apt-get install redis-server)';
  return null;
}

export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** `pg_ctl restart -m fast`: connections are ended (57P01), the server is back when it resolves. */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its files. */
  destroy(): Promise<void>;
}

/**
 * initdb + pg_ctl on a free port, in a temporary folder, trusting local connections, tuned for tests
 * (no fsync). initdb refuses to run as root: as root, every command runs as the `postgres` user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error(privateServersMissing() ?? 'no PostgreSQL binaries');
  const root = process.getuid?.() === 0;
  const folder = mkdtempSync(join(tmpdir(), 'faults-pg-'));
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(folder, uid, gid);
  }
  const asUser = (command: string, args: string[]): [string, string[]] =>
    root
      ? ['runuser', ['-u', 'postgres', '--', join(binDir, command), ...args]]
      : [join(binDir, command), args];
  // Asynchronous, so that a test's load goes on while the server stops and starts.
  const run = async (command: string, args: string[]) => {
    await execFileAsync(...asUser(command, args), { timeout: 60_000 });
  };
  const dataDir = join(folder, 'data');
  const port = await freePort();
  await run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${folder}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
  ].join(' ');
  const pgCtlArgs = (...args: string[]) => [
    '-D',
    dataDir,
    '-l',
    join(folder, 'server.log'),
    '-o',
    serverOptions,
    ...args,
  ];
  const pgCtl = (...args: string[]) => run('pg_ctl', pgCtlArgs(...args));
  // Synchronous: it also runs as the test process exits.
  const stopNow = () => {
    try {
      execFileSync(...asUser('pg_ctl', pgCtlArgs('stop', '-m', 'immediate', '-w')), {
        stdio: 'pipe',
      });
    } catch {
      // already stopped
    }
    rmSync(folder, { recursive: true, force: true });
  };
  cleanUps.add(stopNow);
  await pgCtl('start', '-w', '-t', '60');
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restart: () => pgCtl('restart', '-m', 'fast', '-w', '-t', '60'),
    stop: () => pgCtl('stop', '-m', 'fast', '-w', '-t', '60'),
    start: () => pgCtl('start', '-w', '-t', '60'),
    destroy: () => {
      cleanUps.delete(stopNow);
      stopNow();
      return Promise.resolve();
    },
  };
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL: Redis goes away at once (nothing is saved: it runs without persistence). */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty). */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** `redis-server` on a free port, without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    for (let tries = 0; tries < 100; tries++) {
      if (await answers(port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  const killNow = () => child?.kill('SIGKILL');
  cleanUps.add(killNow);
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    destroy: async () => {
      cleanUps.delete(killNow);
      await kill();
    },
  };
}

/** Whether a TCP server answers on `port` (connection accepted). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
