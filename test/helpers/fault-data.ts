import { request } from 'node:http';
import { onPostgres } from './on-postgres';
import type { PrivatePostgres } from './private-servers';

/**
 * What the fault suites and the faults benchmark check after a fault: the rows the service keeps,
 * read straight from its database, and a client that sends an upload slowly (so that a fault can
 * strike while the service is still reading it).
 */

/** Creates the database `faults` on a private PostgreSQL for the services under test: its URL. */
export async function createFaultsDatabase(postgres: PrivatePostgres): Promise<string> {
  await onPostgres(postgres.url(), (client) => client.query('CREATE DATABASE faults'));
  return postgres.url('faults');
}

/** The rows a fault must not lose or leave half-written, counted. */
export interface DataCheck {
  tracks: number;
  /** Catalog imports and training runs by status, e.g. `{ succeeded: 2, failed: 1 }`. */
  imports: Record<string, number>;
  runs: Record<string, number>;
  /** Stored model versions, and how many are active (never more than one). */
  models: number;
  activeModels: number;
  /** Imports and runs still queued or running: none once every job has ended. */
  unfinished: number;
}

const byStatus = (rows: { status: string; n: number }[]) =>
  Object.fromEntries(rows.map(({ status, n }) => [status, n]));

/** The DataCheck of the PostgreSQL database at `url`. */
export function dataCheck(url: string): Promise<DataCheck> {
  return onPostgres(url, async (client) => {
    const count = async (sql: string) => Number((await client.query(sql)).rows[0].n);
    const statuses = async (table: string) =>
      byStatus(
        (await client.query(`SELECT status, count(*)::int AS n FROM ${table} GROUP BY status`))
          .rows as { status: string; n: number }[],
      );
    return {
      tracks: await count('SELECT count(*) AS n FROM catalog_tracks'),
      imports: await statuses('catalog_imports'),
      runs: await statuses('mood_training_runs'),
      models: await count('SELECT count(*) AS n FROM mood_models'),
      activeModels: await count('SELECT count(*) AS n FROM mood_models WHERE is_active'),
      unfinished:
        (await count(
          "SELECT count(*) AS n FROM catalog_imports WHERE status IN ('queued', 'running')",
        )) +
        (await count(
          "SELECT count(*) AS n FROM mood_training_runs WHERE status IN ('queued', 'running')",
        )),
    };
  });
}

/** What a client of slowUpload got: the status and JSON body, or the socket error. */
export interface UploadAnswer {
  status: number;
  body: { code?: string; details?: Record<string, unknown> } & Record<string, unknown>;
  retryAfter?: string;
  error?: string;
  /** Bytes sent before the answer came. */
  sent: number;
}

/**
 * POSTs `body` chunked, `chunkBytes` every `everyMs`, and stops sending once the answer arrives
 * (as a client does when the server answers early): the service reads it for as long as it lasts.
 */
export function slowUpload(
  url: string,
  body: Buffer,
  {
    headers = {},
    chunkBytes = 16_384,
    everyMs = 50,
  }: { headers?: Record<string, string>; chunkBytes?: number; everyMs?: number } = {},
): Promise<UploadAnswer> {
  return new Promise((resolve) => {
    let sent = 0;
    const outgoing = request(url, { method: 'POST', headers }, (response) => {
      clearInterval(timer);
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        let parsed: UploadAnswer['body'] = {};
        try {
          parsed = JSON.parse(text) as UploadAnswer['body'];
        } catch {
          parsed = { text };
        }
        const retryAfter = response.headers['retry-after'];
        resolve({ status: response.statusCode ?? 0, body: parsed, retryAfter, sent });
        outgoing.destroy();
      });
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      clearInterval(timer);
      resolve({ status: 0, body: {}, error: error.code ?? error.message, sent });
    });
    const timer = setInterval(() => {
      if (sent >= body.length) {
        clearInterval(timer);
        outgoing.end();
        return;
      }
      outgoing.write(body.subarray(sent, sent + chunkBytes));
      sent += chunkBytes;
    }, everyMs);
  });
}
