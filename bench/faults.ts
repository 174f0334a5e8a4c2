/**
 * `npm run bench:faults`: load through each fault, on real service processes, a private PostgreSQL
 * cluster (initdb + pg_ctl on a free port), a private redis-server, a small tmpfs as DATA_DIR, and
 * loopback only; prints one table (scenario, requests sent, answers by status, 5xx and which are
 * the documented ones, resets/timeouts, time to recover, data check) and writes it to
 * bench/results/faults-<date>.json. Every loop is bounded in count and time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fullDisk } from './faults/disk';
import { httpDoor } from './faults/http-door';
import { withPostgres } from './faults/postgres';
import { withRedis } from './faults/redis';
import { rows } from './faults/table';

const loadAverage = () => loadavg().map((load) => Number(load.toFixed(2)));

function printTable(): void {
  console.log(
    '\n| scenario | sent | answers by status | 5xx (documented) | other 5xx | resets/timeouts | refused | recover (ms) | p99 (ms) | data check |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const statuses = Object.entries(r.byStatus)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    const documented = Object.entries(r.fiveHundredsByCode)
      .map(([code, count]) => `${code}×${count}`)
      .join(', ');
    console.log(
      `| ${r.scenario} | ${r.sent} | ${statuses} | ${r.fiveHundreds}${documented ? ` (${documented})` : ''} | ${r.undocumentedFiveHundreds} | ${r.resetsOrTimeouts} | ${r.refused} | ${r.recoverMs ?? '-'} | ${r.p99Ms ?? '-'} | ${r.dataCheck} |`,
    );
  }
}

async function main(): Promise<void> {
  const started = { at: new Date().toISOString(), loadAverage: loadAverage() };
  console.log(
    `Faults benchmark (loopback only; each scenario bounded in time); load average ${started.loadAverage.join(', ')}`,
  );
  await httpDoor();
  await withPostgres();
  await withRedis();
  await fullDisk();
  const ended = { at: new Date().toISOString(), loadAverage: loadAverage() };
  printTable();
  const goal = {
    requests: rows.reduce((sum, r) => sum + r.sent, 0),
    undocumentedFiveHundreds: rows.reduce((sum, r) => sum + r.undocumentedFiveHundreds, 0),
    resetsOrTimeouts: rows.reduce((sum, r) => sum + r.resetsOrTimeouts, 0),
    dataChecksFailed: rows.filter((r) => !r.dataOk).map((r) => r.scenario),
    slowestRecoveryMs: Math.max(
      ...rows.filter((r) => !r.scenario.startsWith('4.')).map((r) => r.recoverMs ?? 0),
    ),
  };
  console.log(
    `\nGoal: ${goal.requests} requests; ${goal.undocumentedFiveHundreds} 5xx other than the documented ones; ${goal.resetsOrTimeouts} resets/timeouts; data checks failed: ${goal.dataChecksFailed.length ? goal.dataChecksFailed.join('; ') : 'none'}; slowest recovery ${goal.slowestRecoveryMs} ms (scenario 4's figure is the shutdown time, not a recovery). Load average ${started.loadAverage.join(', ')} at the start, ${ended.loadAverage.join(', ')} at the end (2 cores).`,
  );
  const folder = join(__dirname, 'results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `faults-${started.at.slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify({ started, ended, goal, rows }, null, 2)}\n`);
  console.log(`\nWritten to ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
