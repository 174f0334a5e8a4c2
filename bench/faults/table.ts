import { readFileSync } from 'node:fs';
import { type Outcome, summarise } from '../../test/helpers/load';
import { parseRawAnswer, rawExchange } from '../../test/helpers/fault-services';
import { sharedDataPath } from '../../test/helpers/shared-data';

/**
 * One row of `npm run bench:faults`' table per scenario, and what the scenarios share.
 */

/** The 5xx answers the service documents, by status: each a part that is down, said so. */
export const DOCUMENTED_5XX: Record<number, string[]> = {
  503: ['DATABASE_UNAVAILABLE', 'QUEUE_UNAVAILABLE', 'UNHEALTHY'],
  507: ['INSUFFICIENT_STORAGE'],
};

export interface Row {
  scenario: string;
  sent: number;
  byStatus: Record<string, number>;
  fiveHundreds: number;
  /** The 5xx by `status code`, e.g. `503 DATABASE_UNAVAILABLE`: 6. */
  fiveHundredsByCode: Record<string, number>;
  /** 5xx answers that are not one of DOCUMENTED_5XX: the goal is none. */
  undocumentedFiveHundreds: number;
  /** Socket errors of requests the service had accepted, or that got no answer in time. */
  resetsOrTimeouts: number;
  /** Refused connections (after an instance stopped listening), counted apart. */
  refused: number;
  recoverMs: number | null;
  p99Ms: number | null;
  dataCheck: string;
  /** Whether the data check found every row as it must be (nothing lost or half-written). */
  dataOk: boolean;
}

export const rows: Row[] = [];

/** Adds (and prints) the row of `scenario` from what its clients saw. */
export function row(
  scenario: string,
  outcomes: Outcome[],
  extra: Partial<Row> & { dataCheck: string; dataOk: boolean },
): Row {
  const summary = summarise(outcomes);
  const refused = summary.errors.ECONNREFUSED ?? 0;
  const fiveHundredsByCode: Record<string, number> = {};
  let undocumented = 0;
  for (const outcome of outcomes.filter((o) => o.status >= 500)) {
    const key = `${outcome.status} ${outcome.code ?? '?'}`;
    fiveHundredsByCode[key] = (fiveHundredsByCode[key] ?? 0) + 1;
    if (!DOCUMENTED_5XX[outcome.status]?.includes(outcome.code ?? '')) undocumented += 1;
  }
  const result: Row = {
    scenario,
    sent: summary.sent,
    byStatus: summary.byStatus,
    fiveHundreds: summary.fiveHundreds,
    fiveHundredsByCode,
    undocumentedFiveHundreds: undocumented,
    resetsOrTimeouts: Object.values(summary.errors).reduce((a, b) => a + b, 0) - refused,
    refused,
    recoverMs: null,
    p99Ms: summary.p99Ms,
    ...extra,
  };
  rows.push(result);
  console.log(`  ${scenario}: ${JSON.stringify(result)}`);
  return result;
}

/** One HTTP call as an Outcome (for job requests made one by one during a fault). */
export async function callOutcome(
  call: string,
  url: string,
  init: RequestInit = {},
): Promise<Outcome & { body: Record<string, unknown> }> {
  const startedAt = Date.now();
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return {
      call,
      status: response.status,
      code: response.status >= 400 ? (body.code as string | undefined) : undefined,
      ...(retryAfter ? { retryAfter } : {}),
      startedAt,
      ms: Date.now() - startedAt,
      retries: 0,
      body,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      call,
      status: 0,
      error: cause?.code ?? (error as Error).message,
      startedAt,
      ms: Date.now() - startedAt,
      retries: 0,
      body: {},
    };
  }
}

/** One raw exchange as an Outcome: its status, or how the connection failed. */
export async function rawOutcome(
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

/** Polls `check` every `everyMs` until it returns a value; undefined after `withinMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  withinMs: number,
  everyMs = 50,
): Promise<T | undefined> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return undefined;
}

export const JSON_BODY = { 'content-type': 'application/json' };
export const MOOD_DATASET = readFileSync(sharedDataPath('playlist_metrics.json'));
export const SAMPLE_CSV = readFileSync(sharedDataPath('spotify_songs_dev.csv'), 'utf8');
/** Rows `from` to `to` of the shared sample, with its header: a small catalog import. */
export const sampleRows = (from: number, to: number): string => {
  const lines = SAMPLE_CSV.split('\n');
  return [lines[0], ...lines.slice(from, to)].join('\n');
};
