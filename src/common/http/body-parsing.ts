import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PassThrough, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { AppError } from '../errors';

/**
 * Route config flag (`@RouteConfig({ [STREAM_BODY]: true })`): the handler gets the decoded request
 * body as a stream instead of parsed JSON, whatever its content type and size (a catalog import is
 * far larger than BODY_LIMIT). The handler enforces its own limit.
 */
export const STREAM_BODY = 'streamBody';

/**
 * Every request body is read as JSON whatever its Content-Type (a bare `curl -d` sends
 * form-urlencoded), after decompressing it as its Content-Encoding says (gzip, deflate, br). The
 * limit counts the decompressed bytes, so a small compressed body that inflates past it (a "zip
 * bomb") is refused like a large one. Only JSON objects and arrays are accepted at the top level.
 */
export function registerBodyParsing(fastify: FastifyInstance, bodyLimit: number): void {
  // A streamed route may answer before it has read its whole body (an error, a refused key): the
  // rest is read and dropped first, so the client can finish sending and read the answer.
  fastify.addHook('onSend', async (request, reply) => {
    await discardUnreadBody(request, reply.statusCode);
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, done) => {
    let body: Readable;
    try {
      assertUtf8(request);
      body = decoded(request, payload);
    } catch (error) {
      done(error as Error, undefined);
      return;
    }
    if (request.routeOptions.config?.[STREAM_BODY as never]) {
      // Handed through a stream of its own: a handler that stops reading early (an async
      // iterator's return destroys what it reads) must not destroy the connection, which still
      // has to carry the answer.
      const handed = new PassThrough();
      // A decoding error is kept on the stream for its reader (who may not be reading yet).
      handed.on('error', () => undefined);
      body.on('error', (error) => handed.destroy(error));
      done(null, body.pipe(handed));
      return;
    }
    readJson(payload, body, bodyLimit).then(
      (parsed) => done(null, parsed),
      (error: Error) => done(error, undefined),
    );
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    [STREAM_BODY]?: boolean;
  }
}

const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/** JSON (and every text format the service reads) is UTF-8; another declared charset is a 415. */
function assertUtf8(request: FastifyRequest): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(
    request.headers['content-type'] ?? '',
  )?.[1];
  if (charset && !UTF8_CHARSETS.has(charset.toLowerCase())) {
    throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be UTF-8.');
  }
}

/** The body as the client meant it: decompressed per Content-Encoding. */
function decoded(request: FastifyRequest, payload: Readable): Readable {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (decoder) {
    payload.on('error', (error) => decoder.destroy(error));
    return payload.pipe(decoder);
  }
  if (encoding === 'identity' || encoding === '') return payload;
  throw new AppError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Encoding "${encoding}" is not supported; send the body uncompressed, or as gzip, deflate or br.`,
  );
}

/** How much of a refused body is still read and dropped, so the client sees the answer, not a reset. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

const tooLarge = (limit: number) =>
  new AppError(
    413,
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than the limit of ${limit} bytes (setting BODY_LIMIT).`,
  );

const notJson = () =>
  new AppError(
    400,
    'INVALID_JSON',
    'The request body is not valid JSON. Send a JSON array or object (Content-Type: application/json).',
  );

/** Collects the decoded body up to `limit` bytes and parses it as a JSON object or array. */
function readJson(payload: Readable, body: Readable, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanUp = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length <= limit) {
        chunks.push(chunk);
        return;
      }
      cleanUp();
      void drain(payload, body).then(() => reject(tooLarge(limit)));
    };
    const onEnd = () => {
      cleanUp();
      let parsed: unknown;
      try {
        parsed = length === 0 ? undefined : parseJson(Buffer.concat(chunks, length));
      } catch {
        reject(notJson());
        return;
      }
      resolve(parsed);
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(asDecodingError(error));
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
  });
}

function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw notJson();
  return JSON.parse(text) as unknown;
}

/**
 * Reads the rest of a refused request and drops it (its compressed bytes: nothing more is inflated),
 * so the client can finish sending and read the error; past DRAIN_LIMIT the connection is cut.
 */
function drain(payload: Readable, decoded: Readable): Promise<void> {
  if (decoded !== payload) {
    payload.unpipe(); // from the decoder and whatever it fed
    decoded.on('error', () => undefined);
    decoded.destroy();
  }
  if (payload.readableEnded || payload.destroyed) return Promise.resolve();
  let dropped = 0;
  return new Promise((resolve) => {
    const finish = () => {
      payload.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > DRAIN_LIMIT) {
        payload.destroy();
        finish();
      }
    };
    payload.on('data', onData);
    payload.once('end', finish);
    payload.once('close', finish);
    payload.once('error', finish);
    payload.resume();
  });
}

/**
 * What a streamed route left of its body, read and dropped (see the onSend hook): a body its reader
 * gave up (destroyed), or, with an error answer, a body nobody began to read (a refused key). After
 * a success the body belongs to the handler: an import answered 202 goes on reading it.
 */
function discardUnreadBody(request: FastifyRequest, status: number): Promise<void> {
  const body = request.body;
  if (!request.routeOptions.config?.[STREAM_BODY as never] || !(body instanceof Readable)) {
    return Promise.resolve();
  }
  const abandoned = body.destroyed || (status >= 400 && body.readableFlowing === null);
  return abandoned ? drain(request.raw, body) : Promise.resolve();
}

/** zlib's errors have codes such as Z_DATA_ERROR, brotli's such as ERR__ERROR_FORMAT_PADDING_1. */
export function isDecompressionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(Z_|ERR__ERROR_)/.test(code);
}

/** A body that does not decompress as its Content-Encoding says is the client's mistake, not a 500. */
export function asDecodingError(error: Error): Error {
  if (!isDecompressionError(error)) return error;
  return new AppError(
    400,
    'INVALID_CONTENT_ENCODING',
    'The request body could not be decompressed as its Content-Encoding says. Send it uncompressed, or correctly compressed with gzip, deflate or br.',
  );
}
