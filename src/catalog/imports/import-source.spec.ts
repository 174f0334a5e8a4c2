import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { decodeImportSource } from './import-source';

async function drain(source: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

const TEXT = 'id,name\n' + 'x,y\n'.repeat(1000);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('decodeImportSource', () => {
  it('passes plain bytes through and hashes them', async () => {
    const source = decodeImportSource(Readable.from([Buffer.from(TEXT)]), { limit: 1e6 });
    expect(await drain(source.chunks)).toBe(TEXT);
    expect(source.sha256()).toBe(sha256(TEXT));
  });

  it('inflates gzip as it streams, and hashes the decoded bytes', async () => {
    const source = decodeImportSource(Readable.from([gzipSync(TEXT)]), {
      encoding: 'gzip',
      limit: 1e6,
    });
    expect(await drain(source.chunks)).toBe(TEXT);
    expect(source.sha256()).toBe(sha256(TEXT));
  });

  it('recognises gzip by its bytes where asked to (auto), and plain text too', async () => {
    const gz = decodeImportSource(Readable.from([gzipSync(TEXT)]), {
      encoding: 'auto',
      limit: 1e6,
    });
    const plain = decodeImportSource(Readable.from([Buffer.from(TEXT)]), {
      encoding: 'auto',
      limit: 1e6,
    });
    expect([await drain(gz.chunks), await drain(plain.chunks)]).toEqual([TEXT, TEXT]);
  });

  it('stops at the limit with 413, for what arrives and for what gzip decodes to', async () => {
    const big = decodeImportSource(Readable.from([Buffer.from(TEXT)]), { limit: 100 });
    await expect(drain(big.chunks)).rejects.toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    const bomb = gzipSync(Buffer.alloc(1e6)); // ~1 kB that inflates to 1 MB
    const inflated = decodeImportSource(Readable.from([bomb]), { encoding: 'gzip', limit: 1e5 });
    await expect(drain(inflated.chunks)).rejects.toMatchObject({ status: 413 });
  });

  it('refuses bytes that are not the gzip they claim to be, and unknown encodings', async () => {
    const bad = decodeImportSource(Readable.from([Buffer.from('not gzip at all')]), {
      encoding: 'gzip',
      limit: 1e6,
    });
    await expect(drain(bad.chunks)).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_CONTENT_ENCODING',
    });
    expect(() => decodeImportSource(Readable.from([]), { encoding: 'br', limit: 1e6 })).toThrow(
      expect.objectContaining({ status: 415 }) as Error,
    );
  });
});
