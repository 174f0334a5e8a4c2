import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError } from '../../common/errors';
import { isDecompressionError } from '../../common/http/body-parsing';
import {
  ImportCancelledError,
  ImportTooLargeError,
  InvalidContentEncodingError,
  UnsupportedContentEncodingError,
} from './import-errors';

export interface DecodedSource {
  /** The file's bytes after decoding, bounded by the limit. */
  chunks: AsyncIterable<Buffer>;
  /** sha256 (hex) of the decoded bytes, once they have all been read. */
  sha256(): string;
  /** Bytes as they arrived (before decoding). */
  bytesRead(): number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The bytes of an import, decoded and measured: gzip (named by `Content-Encoding`, or recognised by
 * its magic bytes where `encoding` is `auto`) is inflated as it streams; both the arriving and the
 * decoded bytes are bounded by `limit`, so neither a large upload nor a gzip bomb gets through.
 */
export function decodeImportSource(
  stream: Readable,
  options: {
    encoding?: string;
    limit: number;
    signal?: AbortSignal;
    /** Told the bytes arrived so far, as they arrive. */
    onBytes?: (arrived: number) => void;
  },
): DecodedSource {
  const encoding = (options.encoding ?? 'identity').trim().toLowerCase();
  if (!['identity', '', 'gzip', 'x-gzip', 'auto'].includes(encoding)) {
    throw new UnsupportedContentEncodingError(encoding);
  }
  let arrived = 0;
  const hash = createHash('sha256');

  // Cancelling ends the stream at once, even while it waits for a client that sends nothing.
  const { signal } = options;
  signal?.addEventListener(
    'abort',
    () => stream.destroy(new ImportCancelledError(String(signal.reason))),
    { once: true },
  );

  async function* raw(): AsyncIterable<Buffer> {
    try {
      for await (const chunk of stream) {
        arrived += (chunk as Buffer).length;
        if (arrived > options.limit) {
          throw new ImportTooLargeError(options.limit, 'CATALOG_IMPORT_LIMIT');
        }
        options.onBytes?.(arrived);
        yield chunk as Buffer;
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      // The HTTP platform inflates a compressed upload before it arrives here.
      if (isDecompressionError(error))
        throw new InvalidContentEncodingError('its Content-Encoding');
      // The client went away, or the file could not be read.
      throw new ImportCancelledError(`the input broke off: ${(error as Error).message}`);
    }
  }

  async function* decoded(): AsyncIterable<Buffer> {
    let source: AsyncIterable<Buffer> = raw();
    if (encoding !== 'identity' && encoding !== '') {
      const iterator = source[Symbol.asyncIterator]();
      const first = await iterator.next();
      const head = first.done ? Buffer.alloc(0) : first.value;
      const gzipped =
        encoding !== 'auto' || (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]);
      const rest = (async function* () {
        if (head.length > 0) yield head;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      })();
      source = gzipped ? gunzip(rest, encoding) : rest;
    }
    let length = 0;
    for await (const chunk of source) {
      length += chunk.length;
      if (length > options.limit)
        throw new ImportTooLargeError(options.limit, 'CATALOG_IMPORT_LIMIT');
      hash.update(chunk);
      yield chunk;
    }
  }

  return {
    chunks: decoded(),
    sha256: () => hash.copy().digest('hex'),
    bytesRead: () => arrived,
  };
}

async function* gunzip(source: AsyncIterable<Buffer>, encoding: string): AsyncIterable<Buffer> {
  const input = Readable.from(source);
  const inflate = createGunzip();
  let sourceError: Error | undefined;
  input.on('error', (error) => {
    sourceError = error;
    inflate.destroy(error);
  });
  input.pipe(inflate);
  try {
    for await (const chunk of inflate) yield chunk as Buffer;
  } catch (error) {
    // An error of the source (limit, cancel) is itself; anything else is zlib's: a bad encoding.
    if (sourceError) throw sourceError;
    if (
      typeof (error as { code?: unknown }).code === 'string' &&
      /^Z_/.test((error as { code: string }).code)
    ) {
      throw new InvalidContentEncodingError(encoding === 'auto' ? 'gzip' : encoding);
    }
    throw error;
  } finally {
    input.destroy();
  }
}
