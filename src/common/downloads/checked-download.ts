import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export const sha256Of = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** Why a download was refused: it could not be fetched (or was too large), or its bytes differ. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';

  constructor(
    readonly reason: 'unavailable' | 'checksum',
    message: string,
  ) {
    super(message);
  }
}

export interface CheckedDownload {
  url: string;
  /** The sha256 (hex) the file must have. */
  sha256: string;
  /** Where the file is put once checked; nothing is there unless it was. */
  to: string;
  /** What the file is, for messages: `the default mood dataset`. */
  what: string;
  /** The whole download, connecting included, may take this long. */
  timeoutMs: number;
  /** Stops the download (the service shutting down). */
  signal?: AbortSignal;
  /** Largest file accepted, in bytes. */
  maxBytes?: number;
}

/**
 * Downloads a published file once, as scikit-learn's and torchvision's dataset fetchers do: streamed
 * to a temporary file beside `to` while its sha256 is computed, then moved to `to` only when the
 * checksum matches, so that a partial or altered download is never taken for the file. Memory stays
 * flat whatever the file's size. Throws DownloadError (nothing left behind) when it cannot.
 */
export async function downloadChecked(download: CheckedDownload): Promise<{ bytes: number }> {
  const { url, to, what, maxBytes = Infinity } = download;
  const signals = [AbortSignal.timeout(download.timeoutMs)];
  if (download.signal) signals.push(download.signal);
  // Unique, so that two downloads of one file (two instances on one folder) never mix their bytes.
  const temporary = `${to}.${process.pid}-${randomUUID().slice(0, 8)}.download`;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const response = await fetch(url, { signal: AbortSignal.any(signals) });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    await mkdir(dirname(to), { recursive: true });
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          if (bytes > maxBytes) return done(new Error(`larger than ${maxBytes} bytes`));
          hash.update(chunk);
          done(null, chunk);
        },
      }),
      createWriteStream(temporary),
    );
  } catch (error) {
    await rm(temporary, { force: true });
    throw new DownloadError(
      'unavailable',
      `${capitalised(what)} could not be downloaded from ${url}: ${reasonOf(error)}`,
    );
  }
  const actual = hash.digest('hex');
  if (actual !== download.sha256) {
    await rm(temporary, { force: true });
    throw new DownloadError(
      'checksum',
      `${capitalised(what)} downloaded from ${url} has sha256 ${actual}, expected ${download.sha256}; it was not kept`,
    );
  }
  await rename(temporary, to);
  return { bytes };
}

function reasonOf(error: unknown): string {
  const { message, cause } = error as Error & { cause?: Error };
  // fetch's own message ("fetch failed") hides the reason (ENOTFOUND, ECONNREFUSED) in `cause`.
  return cause?.message ? `${message} (${cause.message})` : message;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
