/**
 * npm run bench:catalog: generates a 1M-row file in the 1.2M-songs format (tracks_features.csv),
 * resampled from the real sample with noise, into bench/.tmp/ (git-ignored), then imports it with
 * the CLI into a fresh SQLite file and into a throw-away PostgreSQL schema, twice each (a new
 * catalog, then the same file again: every track unchanged). Measures rows/s of the import itself
 * (as the import records it), the CLI's wall time (start-up and migrations included) and its peak
 * RSS. Writes bench/results/catalog-<date>.json and prints a table. Never fails on a number.
 *
 * BENCH_CATALOG_ROWS (default 1,000,000) sizes the file; BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test) names the PostgreSQL database, where the schema is made.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { writeTracksFeaturesCsv } from './catalog-data';
import { onPostgres } from '../test/helpers/on-postgres';
import { sharedDataPath } from '../test/helpers/shared-data';

const ROOT = resolve(__dirname, '..');
const TMP = join(ROOT, 'bench', '.tmp');
const ROWS = Number(process.env.BENCH_CATALOG_ROWS ?? 1_000_000);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SAMPLE = sharedDataPath('spotify_songs_dev.csv');
const TIME = '/usr/bin/time';

interface Run {
  database: 'sqlite' | 'postgres';
  pass: 'new catalog' | 'same file again';
  rows: number;
  importMs: number;
  rowsPerSecond: number;
  wallMs: number;
  peakRssMb: number | null;
  /** CPU time of the CLI process (start-up included; PostgreSQL's own work is not in it). */
  cliCpuSeconds: number | null;
  added: number;
  unchanged: number;
}

async function runCli(
  file: string,
  env: Record<string, string>,
): Promise<{
  out: string;
  wallMs: number;
  peakRssMb: number | null;
  cliCpuSeconds: number | null;
}> {
  const cli = [
    process.execPath,
    '-r',
    'ts-node/register/transpile-only',
    'src/catalog/catalog-import.cli.ts',
    file,
  ];
  // GNU time reports the child's peak RSS (%M, KiB) where it is installed.
  const withTime = existsSync(TIME);
  const [command, ...args] = withTime ? [TIME, '-f', 'PEAK_RSS_KB=%M CPU_S=%U+%S', ...cli] : cli;
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const wallMs = Date.now() - started;
  if (code !== 0) throw new Error(`catalog:import exited ${code}:\n${out}`);
  const rss = /PEAK_RSS_KB=(\d+)/.exec(out);
  const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(out);
  return {
    out,
    wallMs,
    peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : null,
    cliCpuSeconds: cpu ? Math.round((Number(cpu[1]) + Number(cpu[2])) * 10) / 10 : null,
  };
}

function parseSummary(out: string): {
  rows: number;
  importMs: number;
  added: number;
  unchanged: number;
} {
  const head = /succeeded: \S+, (\d+) rows in (\d+) ms/.exec(out);
  const counts = /tracks added (\d+), updated \d+, unchanged (\d+)/.exec(out);
  if (!head || !counts) throw new Error(`Unexpected CLI output:\n${out}`);
  return {
    rows: Number(head[1]),
    importMs: Number(head[2]),
    added: Number(counts[1]),
    unchanged: Number(counts[2]),
  };
}

interface StreamRun {
  database: Run['database'];
  tracks: number;
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

/** CatalogStore.streamAll over the whole catalog, in its own process, as the index reads it. */
async function measureStreamAll(
  database: Run['database'],
  env: Record<string, string>,
): Promise<StreamRun> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'bench/catalog-stream.ts'],
    { cwd: ROOT, env: { ...process.env, ...env } },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`catalog-stream exited ${code}:\n${out}`);
  const line = out.trim().split('\n').at(-1)!;
  return { database, ...(JSON.parse(line) as Omit<StreamRun, 'database'>) };
}

async function measure(
  database: Run['database'],
  file: string,
  env: Record<string, string>,
): Promise<Run[]> {
  const runs: Run[] = [];
  for (const pass of ['new catalog', 'same file again'] as const) {
    const { out, wallMs, peakRssMb, cliCpuSeconds } = await runCli(file, env);
    const summary = parseSummary(out);
    runs.push({
      database,
      pass,
      ...summary,
      rowsPerSecond: Math.round(summary.rows / (summary.importMs / 1000)),
      wallMs,
      peakRssMb,
      cliCpuSeconds,
    });
    console.log(`  ${database}, ${pass}: ${runs.at(-1)!.rowsPerSecond} rows/s`);
  }
  return runs;
}

async function main(): Promise<void> {
  mkdirSync(TMP, { recursive: true });
  const file = join(TMP, `tracks_features-${ROWS}.csv`);
  if (!existsSync(file)) {
    console.log(`Generating ${ROWS} rows into ${file} …`);
    await writeTracksFeaturesCsv(SAMPLE, file, ROWS);
  }
  const runs: Run[] = [];
  const streams: StreamRun[] = [];

  const dataDir = join(TMP, `sqlite-${randomBytes(4).toString('hex')}`);
  try {
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    runs.push(...(await measure('sqlite', file, env)));
    streams.push(await measureStreamAll('sqlite', env));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const schema = `bench_catalog_${randomBytes(4).toString('hex')}`;
  try {
    await onPostgres(PG_URL, (client) => client.query(`CREATE SCHEMA ${schema}`));
    const url = new URL(PG_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const env = { DATABASE_URL: url.toString(), DATA_DIR: TMP };
    runs.push(...(await measure('postgres', file, env)));
    streams.push(await measureStreamAll('postgres', env));
  } catch (error) {
    console.log(`PostgreSQL not measured: ${(error as Error).message}`);
  } finally {
    await onPostgres(PG_URL, (client) =>
      client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
    ).catch(() => undefined);
  }

  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map((value) => Math.round(value * 10) / 10),
  };
  const date = new Date().toISOString().slice(0, 10);
  const target = join(ROOT, 'bench', 'results', `catalog-${date}.json`);
  writeFileSync(
    target,
    JSON.stringify({ date, rows: ROWS, machine, runs, streamAll: streams }, null, 2) + '\n',
  );
  console.log(
    `\n| database | pass | rows | import rows/s | import s | CLI wall s | CLI CPU s | peak RSS MB |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|`);
  for (const run of runs) {
    console.log(
      `| ${run.database} | ${run.pass} | ${run.rows} | ${run.rowsPerSecond} | ${(run.importMs / 1000).toFixed(1)} | ${(run.wallMs / 1000).toFixed(1)} | ${run.cliCpuSeconds ?? '?'} | ${run.peakRssMb ?? '?'} |`,
    );
  }
  console.log(`\n| streamAll (the index's start-up read) | tracks | wall s | CPU s | RSS MB |`);
  console.log(`|---|---|---|---|---|`);
  for (const run of streams) {
    console.log(
      `| ${run.database} | ${run.tracks} | ${(run.wallMs / 1000).toFixed(1)} | ${(run.cpuMs / 1000).toFixed(1)} | ${run.rssMb} |`,
    );
  }
  console.log(
    `\nWritten to ${target} (load average at the end: ${machine.loadAverage.join(', ')})`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
