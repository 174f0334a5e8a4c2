import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from '../errors';

/**
 * How long a connection that is being closed after an error answer goes on reading (and dropping)
 * what the client still sends: while bytes keep arriving, up to LINGER_MAX_MS in all, and until
 * LINGER_IDLE_MS pass without any. A client that sends its whole body before it reads (Python's
 * urllib, many scripts) thus finishes sending and reads the answer; closing at once, with its bytes
 * unread, would make the kernel answer them with a reset, and the client would see only that.
 * (The same bounded "lingering close" as nginx's and Apache's.)
 */
const LINGER_IDLE_MS = 5_000;
const LINGER_MAX_MS = 30_000;
const LINGER_CHECK_MS = 250;

const lingering = new WeakSet<Socket>();

/**
 * Ends the sending side of `socket` (the answer is already written), then drops what the client
 * still sends until it stops or the bounds above pass, and only then closes the socket.
 */
export function lingerThenClose(socket: Socket): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  if (socket.destroyed) return;
  socket.end();
  // Bytes the HTTP parser still reads (and drops) count as activity; others are read here.
  socket.resume();
  const started = Date.now();
  let lastRead = socket.bytesRead;
  let lastActivity = started;
  const timer = setInterval(() => {
    const now = Date.now();
    if (socket.bytesRead !== lastRead) {
      lastRead = socket.bytesRead;
      lastActivity = now;
    }
    if (now - lastActivity >= LINGER_IDLE_MS || now - started >= LINGER_MAX_MS) socket.destroy();
  }, LINGER_CHECK_MS);
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}

/** Whether lingerThenClose has taken `socket` over. */
export function isLingering(socket: Socket): boolean {
  return lingering.has(socket);
}

/**
 * Makes the HTTP server close `socket` the lingering way once the current answer is written (it
 * closes a `Connection: close` answer's socket through `destroySoon`, which would drop unread bytes).
 */
export function closeAfterAnswer(socket: Socket): void {
  (socket as Socket & { destroySoon: () => void }).destroySoon = () => lingerThenClose(socket);
}

/** What the HTTP parser's own refusals mean, in the one error body. */
function clientErrorAnswer(code: string | undefined): Omit<ErrorBody, 'requestId'> {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        statusCode: 408,
        code: 'REQUEST_TIMEOUT',
        message:
          'The request was not received in time (settings HTTP_HEADERS_TIMEOUT for the headers, HTTP_REQUEST_TIMEOUT for the whole request).',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        statusCode: 431,
        code: 'HEADERS_TOO_LARGE',
        message:
          'The request line and headers are larger than the server accepts (16 KB): shorten the URL (its query string) or the headers.',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The chunk extensions of the request body are too large.',
      };
    default:
      return {
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'The request is not well-formed HTTP/1.1.',
      };
  }
}

/**
 * The HTTP server's `clientError` handler: a request the parser refuses before any route sees it
 * (headers too large, a request not received in time, malformed HTTP) is answered in the one error
 * body, then the connection is closed the lingering way.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || isLingering(socket)) return;
  // An answer already under way on this connection cannot be followed by another.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const answer: ErrorBody = { ...clientErrorAnswer(error.code), requestId: randomUUID() };
  const body = JSON.stringify(answer);
  socket.write(
    `HTTP/1.1 ${answer.statusCode} ${STATUS_CODES[answer.statusCode]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  lingerThenClose(socket);
}
