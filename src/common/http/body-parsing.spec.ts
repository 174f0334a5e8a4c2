import Fastify, { type FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { AppError } from '../errors';
import { registerBodyParsing, STREAM_BODY } from './body-parsing';

const LIMIT = 1024;

/** Bytes the /streamed-later route read after it had answered (its last request). */
let readAfterAnswer: Promise<number> = Promise.resolve(0);

/** A real Fastify instance with the service's body parsing, and routes that read bodies in each way. */
async function server_(): Promise<FastifyInstance> {
  const fastify = Fastify();
  registerBodyParsing(fastify, {
    json: { bytes: LIMIT, setting: 'BODY_LIMIT' },
    streamed: { bytes: LIMIT * 10_000, setting: 'CATALOG_IMPORT_LIMIT' },
  });
  fastify.setErrorHandler((error, _request, reply) => {
    const status = error instanceof AppError ? error.status : 500;
    const code = error instanceof AppError ? error.code : 'INTERNAL_ERROR';
    void reply.status(status).send({ code });
  });
  fastify.post('/parsed', (request) => ({ body: request.body ?? null }));
  fastify.post('/streamed', { config: { [STREAM_BODY]: true } }, async (request) => {
    let bytes = 0;
    for await (const chunk of request.body as Readable) bytes += (chunk as Buffer).length;
    return { bytes };
  });
  fastify.post('/streamed-first-chunk', { config: { [STREAM_BODY]: true } }, async (request) => {
    // Stops reading after one chunk, as an import that recognises no format does.
    for await (const chunk of request.body as Readable) return { first: (chunk as Buffer).length };
    return { first: 0 };
  });
  fastify.post('/streamed-later', { config: { [STREAM_BODY]: true } }, (request, reply) => {
    // Answers 202 at once and starts reading a moment later, as an import with respond-async does.
    readAfterAnswer = new Promise((resolve) =>
      setTimeout(() => {
        let bytes = 0;
        const body = request.body as Readable;
        body.on('data', (chunk: Buffer) => (bytes += chunk.length));
        body.on('end', () => resolve(bytes));
      }, 50),
    );
    return reply.status(202).send({ accepted: true });
  });
  fastify.post('/streamed-refused', { config: { [STREAM_BODY]: true } }, () => {
    // Answers without reading its body at all, as a refused admin key does.
    throw new AppError(401, 'UNAUTHORIZED', 'no key');
  });
  await fastify.ready();
  return fastify;
}

describe('registerBodyParsing', () => {
  let fastify: FastifyInstance;
  beforeAll(async () => {
    fastify = await server_();
  });
  afterAll(() => fastify.close());

  const post = (url: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    fastify.inject({ method: 'POST', url, payload, headers });

  it('reads JSON whatever the Content-Type says, and an empty body as no body', async () => {
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
      const response = await post('/parsed', '{"a":[1,2]}', { 'content-type': type });
      expect(response.json()).toEqual({ body: { a: [1, 2] } });
    }
    expect((await post('/parsed', '')).json()).toEqual({ body: null });
  });

  it('refuses a scalar or broken JSON body with INVALID_JSON', async () => {
    for (const payload of ['42', '"tracks"', '{"a":', 'not json']) {
      const response = await post('/parsed', payload, { 'content-type': 'application/json' });
      expect({ payload, status: response.statusCode, body: response.json() }).toEqual({
        payload,
        status: 400,
        body: { code: 'INVALID_JSON' },
      });
    }
  });

  it('decompresses gzip, and counts the limit on the decompressed bytes', async () => {
    const small = gzipSync(JSON.stringify({ a: 'x'.repeat(100) }));
    expect((await post('/parsed', small, { 'content-encoding': 'gzip' })).statusCode).toBe(200);
    const bomb = gzipSync(JSON.stringify({ a: 'x'.repeat(LIMIT * 10) }));
    expect(bomb.length).toBeLessThan(LIMIT);
    const refused = await post('/parsed', bomb, { 'content-encoding': 'gzip' });
    expect({ status: refused.statusCode, body: refused.json() }).toEqual({
      status: 413,
      body: { code: 'PAYLOAD_TOO_LARGE' },
    });
  });

  it('answers a body that does not decompress with INVALID_CONTENT_ENCODING', async () => {
    const response = await post('/parsed', '{"a":1}', { 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 'INVALID_CONTENT_ENCODING' });
  });

  it('refuses an unknown Content-Encoding or a charset other than UTF-8 with 415', async () => {
    const cases: Record<string, string>[] = [
      { 'content-encoding': 'compress' },
      { 'content-type': 'application/json; charset=latin1' },
    ];
    for (const headers of cases) {
      const response = await post('/parsed', '{"a":1}', headers);
      expect(response.statusCode).toBe(415);
      expect(response.json()).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
  });

  it('keeps the connection for the answer when a streamed route stops reading early or never reads, and leaves a body read after a success to its reader', async () => {
    // Over a real socket: what breaks is the connection, which an injected request does not have.
    const server = await server_();
    try {
      const url = await server.listen({ port: 0, host: '127.0.0.1' });
      const csv = 'id,name\n' + 'abc,Some song\n'.repeat(LIMIT * 100);
      const send = (path: string) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          body: csv,
          headers: { 'content-type': 'text/csv' },
        });
      const partly = await send('/streamed-first-chunk');
      expect(partly.status).toBe(200);
      expect(((await partly.json()) as { first: number }).first).toBeGreaterThan(0);
      const accepted = await send('/streamed-later');
      expect(accepted.status).toBe(202);
      expect(await readAfterAnswer).toBe(csv.length);
      const refused = await send('/streamed-refused');
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ code: 'UNAUTHORIZED' });
    } finally {
      await server.close();
    }
  });

  it('hands a streamed route the decoded body, however large and whatever its type', async () => {
    const csv = 'id,name\n' + 'abc,Some song\n'.repeat(LIMIT);
    expect(csv.length).toBeGreaterThan(LIMIT * 10);
    for (const [payload, headers] of [
      [csv, { 'content-type': 'text/csv' }],
      [gzipSync(csv), { 'content-type': 'text/csv', 'content-encoding': 'gzip' }],
      [csv, { 'content-type': 'application/x-ndjson' }],
    ] as const) {
      const response = await post('/streamed', payload, headers);
      expect(response.json()).toEqual({ bytes: csv.length });
    }
  });
});
