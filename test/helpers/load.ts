import { Agent, request } from 'node:http';

/**
 * A small HTTP load client for fault tests and the faults benchmark: `connections` loops, each
 * sending one request after another over keep-alive connections, until stopped. Unlike autocannon
 * it records what a client sees of each request (status, or the socket error: a reset, a refused
 * connection, a timeout), and it can retry a refused connection on another instance, as a client
 * behind a load balancer does.
 */

export interface LoadCall {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Only for naming the call in a summary. */
  name?: string;
}

export interface Outcome {
  call: string;
  /** HTTP status, or 0 when the request got no answer. */
  status: number;
  /** The socket error when there was no answer (ECONNRESET, ECONNREFUSED, TIMEOUT, …). */
  error?: string;
  /** The error body's code, for 4xx and 5xx answers. */
  code?: string;
  retryAfter?: string;
  startedAt: number;
  ms: number;
  /** Instances tried before this answer (refused connections retried elsewhere). */
  retries: number;
}

export interface LoadOptions {
  /** Base URLs (http://127.0.0.1:port); requests go round the list. */
  targets: string[];
  calls: LoadCall[];
  connections: number;
  /** A request without an answer after this long counts as a TIMEOUT. */
  timeoutMs?: number;
  /** Retry a refused connection on the next target (up to every target once). */
  retryRefused?: boolean;
  /** Pause between two requests of one loop. */
  pauseMs?: number;
}

export interface Load {
  outcomes: Outcome[];
  /** Stops the loops and resolves once every request under way has ended. */
  stop(): Promise<Outcome[]>;
}

export function startLoad(options: LoadOptions): Load {
  const { targets, calls, connections, timeoutMs = 10_000, retryRefused = false } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const outcomes: Outcome[] = [];
  let running = true;
  let next = 0;

  const loop = async (index: number) => {
    let turn = index;
    while (running) {
      const call = calls[turn++ % calls.length];
      const first = next++ % targets.length;
      const startedAt = Date.now();
      let outcome: Omit<Outcome, 'retries' | 'startedAt' | 'ms' | 'call'> | undefined;
      let retries = 0;
      for (let attempt = 0; attempt < targets.length; attempt++) {
        outcome = await send(agent, targets[(first + attempt) % targets.length], call, timeoutMs);
        if (!(retryRefused && outcome.error === 'ECONNREFUSED')) break;
        retries++;
      }
      outcomes.push({
        ...outcome!,
        call: call.name ?? `${call.method} ${call.path}`,
        startedAt,
        ms: Date.now() - startedAt,
        retries,
      });
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  const loops = Array.from({ length: connections }, (_, index) => loop(index));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return outcomes;
    },
  };
}

function send(
  agent: Agent,
  target: string,
  call: LoadCall,
  timeoutMs: number,
): Promise<Omit<Outcome, 'retries' | 'startedAt' | 'ms' | 'call'>> {
  return new Promise((resolve) => {
    const url = new URL(call.path, target);
    const body = call.body === undefined ? undefined : Buffer.from(call.body);
    const outgoing = request(
      url,
      {
        method: call.method,
        agent,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': body.length }
          : undefined,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ status: 0, error: error.code ?? error.message }),
        );
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          let code: string | undefined;
          if (status >= 400) {
            try {
              code = (JSON.parse(Buffer.concat(chunks).toString()) as { code?: string }).code;
            } catch {
              code = 'NOT_JSON';
            }
          }
          const retryAfter = response.headers['retry-after'];
          resolve({ status, code, ...(retryAfter ? { retryAfter } : {}) });
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: 0, error: error.code ?? error.message }),
    );
    outgoing.end(body);
  });
}

/** Counts of a run: answers by status, 5xx, socket errors by kind, and the latency p99. */
export function summarise(outcomes: Outcome[]) {
  const byStatus: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.status > 0) byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1;
    else errors[outcome.error ?? 'unknown'] = (errors[outcome.error ?? 'unknown'] ?? 0) + 1;
  }
  const answered = outcomes.filter((outcome) => outcome.status > 0).map((o) => o.ms);
  answered.sort((a, b) => a - b);
  return {
    sent: outcomes.length,
    byStatus,
    fiveHundreds: outcomes.filter((outcome) => outcome.status >= 500).length,
    errors,
    p99Ms: answered.length
      ? answered[Math.min(answered.length - 1, Math.floor(answered.length * 0.99))]
      : null,
  };
}
