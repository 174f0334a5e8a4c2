import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomCatalog } from '../../test/helpers/catalog-records';
import { requestFor } from '../../test/helpers/recommendations';
import { seededRandom } from '../common/numeric';
import { RecommendationEngine } from '../recommendations/recommendation-engine';
import { CatalogIndex } from './catalog-index';
import { readIndexSnapshot, writeIndexSnapshot } from './index-snapshot';

describe('index snapshot', () => {
  let dir: string;
  let file: string;
  const records = randomCatalog(seededRandom(3), 800, { genres: 6 });
  const built = CatalogIndex.fromRecords(records, { leafSize: 8 });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'index-snapshot-'));
    file = join(dir, 'index.snapshot');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back an index that holds and answers exactly what the built one does, and still changes in place', async () => {
    await writeIndexSnapshot(built, file, 42);
    const loaded = readIndexSnapshot(file, 42)!;
    expect(loaded.size).toBe(built.size);
    for (const record of records) {
      expect(loaded.record(loaded.slotOf(record.id)!)).toEqual(
        built.record(built.slotOf(record.id)!),
      );
    }
    const engine = new RecommendationEngine();
    for (let i = 0; i < 20; i++) {
      const request = requestFor(
        [
          { type: 'track', id: records[i * 7].id },
          { type: 'artist', id: 'Artist 3' },
          { type: 'genre', id: 'genre 2' },
        ],
        { targets: { energy: 0.2 + i / 40 }, min: { tempo: 80 }, explain: true },
      );
      expect(engine.recommend(loaded, request)).toEqual(engine.recommend(built, request));
    }
    loaded.upsert(randomCatalog(seededRandom(4), 50, { idPrefix: 'new' }));
    loaded.remove([records[0].id]);
    expect(loaded.size).toBe(built.size + 50 - 1);
    expect(loaded.slotOf('new000007')).toBeDefined();
  });

  it('reads back an index of a catalog without genres (empty parts)', async () => {
    const genreless = CatalogIndex.fromRecords(
      records.map((record) => ({ ...record, genres: [] })),
    );
    await writeIndexSnapshot(genreless, file, 3);
    const loaded = readIndexSnapshot(file, 3)!;
    expect(loaded.record(5)).toEqual(genreless.record(5));
  });

  it('is not used for another catalog version, nor when missing; a damaged or partial file is refused', async () => {
    await writeIndexSnapshot(built, file, 7);
    expect(readIndexSnapshot(file, 8)).toBeNull();
    expect(readIndexSnapshot(join(dir, 'absent'), 7)).toBeNull();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    expect(() => readIndexSnapshot(file, 7)).toThrow(/checksum/);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 200] ^= 1;
    writeFileSync(file, damaged);
    expect(() => readIndexSnapshot(file, 7)).toThrow(/checksum/);
    writeFileSync(file, 'not a snapshot at all');
    expect(() => readIndexSnapshot(file, 7)).toThrow(/layout/);
  });

  it('refuses to save an index changed since its build', () => {
    const changed = CatalogIndex.fromRecords(records.slice(0, 100));
    changed.upsert(records.slice(100, 110));
    return expect(writeIndexSnapshot(changed, file, 1)).rejects.toThrow(/freshly built/);
  });
});
