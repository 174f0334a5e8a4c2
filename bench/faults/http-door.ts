import {
  parseRawAnswer,
  peakRssBytes,
  portOf,
  postChunked,
  PREDICT_CALL,
  rawExchange,
  startServing,
} from '../../test/helpers/fault-services';
import { type Outcome, startLoad } from '../../test/helpers/load';
import { rawOutcome, row } from './table';

async function chunkedUpload(url: string, bytes: number): Promise<Outcome> {
  const startedAt = Date.now();
  const { status = 0, body, error } = await postChunked(url, bytes);
  return {
    call: 'chunked 80 MB',
    status,
    error,
    code: error ? undefined : (JSON.parse(body) as { code?: string }).code,
    startedAt,
    ms: Date.now() - startedAt,
    retries: 0,
  };
}

/** Scenarios 1 (oversized and slow bodies) and 6 (abusive requests) on one instance. */
export async function httpDoor(): Promise<void> {
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
    const all413 = oversized.every((o) => o.code === 'PAYLOAD_TOO_LARGE');
    row('1. bodies over the limit (20/80 MB, chunked, 100-continue)', oversized, {
      dataCheck: all413 ? 'every answer 413 PAYLOAD_TOO_LARGE' : 'FAILED: not every answer 413',
      dataOk: all413,
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
      calls: [{ method: 'GET', path: '/health' }, PREDICT_CALL],
    });
    const cut = await Promise.all(tricklers);
    const served = await load.stop();
    const timedOut = cut.filter(
      (exchange) => parseRawAnswer(exchange.received).status === 408,
    ).length;
    row('1. slowloris: 500 trickling connections (p99 of the others)', served, {
      dataCheck: `${timedOut}/500 trickling connections answered 408 and cut`,
      dataOk: timedOut === 500,
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
    const all4xx = abusive.every((o) => o.status >= 400 && o.status < 500);
    row('6. abusive: 100k-deep JSON, 100k params, 1 MB headers, 10 GB claim', abusive, {
      dataCheck: `every answer 4xx: ${all4xx}; peak RSS +${growthMb.toFixed(1)} MB over scenarios 1 and 6`,
      dataOk: all4xx,
    });
  } finally {
    await service.stop();
  }
}
