import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { AppError } from '../errors';
import { DEFAULT_MAX_LISTENING_ROWS, parseJsonLines } from '../listening';
import { closeAfterAnswer } from './closing-connections';
import { assertJsonContainers, assertJsonDepth } from './json-depth';

/**
 * Route config flag (`@RouteConfig({ [STREAM_BODY]: true })`): the handler gets the decoded request
 * body as a stream instead of parsed JSON, whatever its content type and size (a catalog import is
 * far larger than BODY_LIMIT). The handler enforces its own limit.
 */
export const STREAM_BODY = 'streamBody';

/** A size limit and the setting that sets it (named in the 413). */
export interface BodyLimit {
  bytes: number;
  setting: string;
}

export interface BodyLimits {
  /** Bodies parsed as JSON. */
  json: BodyLimit;
  /** Bodies handed to a STREAM_BODY route, which also checks them itself as they stream. */
  streamed: BodyLimit;
}

/**
 * A refused body is read and dropped up to this many times the JSON limit, so that the connection
 * stays open for the client's next request; past that the answer closes the connection (still
 * reading, for a bounded time, what the client sends: see lingerThenClose).
 */
const DRAIN_FACTOR = 4;

/** Requests whose client waits for "100 Continue" before it sends the body, and their answer. */
const awaitingContinue = new WeakMap<IncomingMessage, ServerResponse>();
/** Requests whose connection is closed after their answer. */
const closingAfterAnswer = new WeakSet<IncomingMessage>();

/**
 * Every request body is read as JSON whatever its Content-Type (a bare `curl -d` sends
 * form-urlencoded), after decompressing it as its Content-Encoding says (gzip, deflate, br). The
 * limit bounds both the bytes sent and what they decompress to, so a small compressed body that
 * inflates past it (a "zip bomb") is refused like a large one. Only JSON objects and arrays are
 * accepted at the top level.
 *
 * Every client of a body over the limit reads the 413 rather than a reset connection: one that asks
 * first (`Expect: 100-continue`, as curl does for large bodies) is answered before it sends the
 * body; one that declares a length over the limit is answered at once; the rest of a refused body is
 * read and dropped (up to DRAIN_FACTOR × the limit, keeping the connection; past that, the answer
 * closes the connection the lingering way).
 */
export function registerBodyParsing(fastify: FastifyInstance, limits: BodyLimits): void {
  const drainLimit = DRAIN_FACTOR * limits.json.bytes;
  // Without a listener Node answers "100 Continue" to every such request at once; with one, the
  // service sends it only once it knows it will read the body (see continueIfAwaited).
  fastify.server?.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    awaitingContinue.set(request, response);
    fastify.server.emit('request', request, response);
  });
  fastify.addHook('onSend', async (request, reply) => {
    // A streamed route may answer before it has read its whole body (an error, a refused key): the
    // rest is read and dropped first, so the client can finish sending and read the answer.
    await discardUnreadBody(request, reply.statusCode, drainLimit);
    if (closingAfterAnswer.has(request.raw)) void reply.header('connection', 'close');
    // Fastify also closes the connection after any body that failed to parse (the client may
    // still be sending it): every such close goes the lingering way.
    if (reply.getHeader('connection') === 'close') closeAfterAnswer(request.raw.socket);
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, done) => {
    const streamed = request.routeOptions.config?.[STREAM_BODY as never] === true;
    const limit = streamed ? limits.streamed : limits.json;
    const refuse = (error: Error) =>
      void refuseUnread(request, payload, drainLimit).then(() => done(error, undefined));
    const declared = declaredLength(request);
    if (declared !== undefined && declared > limit.bytes) {
      refuse(tooLarge(limit));
      return;
    }
    let body: Readable;
    try {
      assertUtf8(request);
      body = decoded(request, payload);
    } catch (error) {
      refuse(error as Error);
      return;
    }
    continueIfAwaited(request.raw);
    if (streamed) {
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
    readJson(body, limit).then(
      (parsed) => done(null, parsed),
      (error: Error) => {
        if (error instanceof BodyOverLimit) {
          void drain(payload, body, drainLimit).then((ended) => {
            if (!ended) closingAfterAnswer.add(request.raw);
            done(tooLarge(limit), undefined);
          });
          return;
        }
        done(error, undefined);
      },
    );
  });
}

/** The length the client declared (Content-Length), if it declared one. */
function declaredLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/** Tells a client waiting for it to send its body ("100 Continue"), once. */
function continueIfAwaited(request: IncomingMessage): void {
  const response = awaitingContinue.get(request);
  if (!response) return;
  awaitingContinue.delete(request);
  response.writeContinue();
}

/**
 * Before a body that was not read is refused: a client still waiting for "100 Continue" has sent
 * none of it (and the connection closes after the answer, as Node does then); a declared body
 * within the drain limit is read and dropped first, keeping the connection; anything longer is
 * answered at once and the connection closed the lingering way.
 */
async function refuseUnread(
  request: FastifyRequest,
  payload: Readable,
  drainLimit: number,
): Promise<void> {
  if (awaitingContinue.delete(request.raw)) {
    closingAfterAnswer.add(request.raw);
    return;
  }
  const declared = declaredLength(request);
  if (declared !== undefined && declared <= drainLimit) {
    await drain(payload, payload, drainLimit);
    return;
  }
  closingAfterAnswer.add(request.raw);
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

const tooLarge = ({ bytes, setting }: BodyLimit) =>
  new AppError(
    413,
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than the limit of ${bytes} bytes (setting ${setting}).`,
    { limit: bytes },
  );

/** readJson's rejection when the body passes the limit; the caller drains the rest. */
class BodyOverLimit extends Error {}

const notJson = () =>
  new AppError(
    400,
    'INVALID_JSON',
    'The request body is not valid JSON. Send a JSON array or object (Content-Type: application/json).',
  );

/**
 * Collects the decoded body up to its limit and parses it as a JSON object or array; rejects with
 * BodyOverLimit, having stopped reading, as soon as the body passes the limit.
 */
function readJson(body: Readable, limit: BodyLimit): Promise<unknown> {
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
      if (length <= limit.bytes) {
        chunks.push(chunk);
        return;
      }
      cleanUp();
      reject(new BodyOverLimit());
    };
    const onEnd = () => {
      cleanUp();
      let parsed: unknown;
      try {
        parsed = length === 0 ? undefined : parseJson(Buffer.concat(chunks, length));
      } catch (error) {
        // A bad line of JSON Lines is named; anything else is simply not JSON.
        reject(error instanceof AppError ? error : notJson());
        return;
      }
      try {
        assertJsonDepth(parsed);
        resolve(parsed);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
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
  assertJsonContainers(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (isJsonLines(text)) return parseJsonLines(text, DEFAULT_MAX_LISTENING_ROWS);
    throw error;
  }
}

/**
 * JSON Lines (ListenBrainz's export writes one listen a line): a body that is not one JSON value but
 * whose first line is one, followed by more lines. Read as the array of its lines' values, so every
 * route sees it as it would the same listens sent as a JSON array; a bad line is a 400 naming it.
 */
function isJsonLines(text: string): boolean {
  const start = text.search(/\S/);
  const end = text.indexOf('\n', start);
  if (end < 0 || text.slice(end).trim() === '') return false;
  try {
    const value: unknown = JSON.parse(text.slice(start, end));
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/**
 * Reads the rest of a refused request and drops it (its compressed bytes: nothing more is
 * inflated), so the client can finish sending and read the error. Resolves true once the body has
 * ended, or false once more than `limit` bytes have been dropped: the body then goes on flowing
 * (and being dropped) while the answer closes the connection.
 */
function drain(payload: Readable, decoded: Readable, limit: number): Promise<boolean> {
  if (decoded !== payload) {
    payload.unpipe(); // from the decoder and whatever it fed
    decoded.on('error', () => undefined);
    decoded.destroy();
  }
  if (payload.readableEnded || payload.destroyed) return Promise.resolve(true);
  let dropped = 0;
  return new Promise((resolve) => {
    const finish = (ended: boolean) => {
      payload.off('data', onData);
      payload.off('end', onEnd);
      payload.off('close', onEnd);
      payload.off('error', onEnd);
      resolve(ended);
    };
    const onEnd = () => finish(true);
    const onData = (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > limit) finish(false);
    };
    payload.on('data', onData);
    payload.once('end', onEnd);
    payload.once('close', onEnd);
    payload.once('error', onEnd);
    payload.resume();
  });
}

/**
 * What a streamed route left of its body, read and dropped (see the onSend hook): a body its reader
 * gave up (destroyed), or, with an error answer, a body nobody began to read (a refused key). After
 * a success the body belongs to the handler: an import answered 202 goes on reading it.
 */
async function discardUnreadBody(
  request: FastifyRequest,
  status: number,
  drainLimit: number,
): Promise<void> {
  const body = request.body;
  if (!request.routeOptions.config?.[STREAM_BODY as never] || !(body instanceof Readable)) return;
  const abandoned = body.destroyed || (status >= 400 && body.readableFlowing === null);
  if (!abandoned) return;
  if (!(await drain(request.raw, body, drainLimit))) closingAfterAnswer.add(request.raw);
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
