import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers helmet sets for these options, computed once. They depend on nothing in the request
 * (no CSP nonces here), and @fastify/helmet rebuilt helmet's middleware on every request: about 6%
 * of predict_mood's CPU under load, measured with --cpu-prof.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  let finished = false;
  helmet(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      failure = error;
      finished = true;
    },
  );
  if (failure !== undefined) {
    throw failure instanceof Error
      ? failure
      : new Error(`helmet failed: ${JSON.stringify(failure)}`);
  }
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return headers;
}

/** Security headers (helmet's, see helmetHeaders) on every response. */
export function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const headers = helmetHeaders(options);
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
