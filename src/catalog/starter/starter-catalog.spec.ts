import { Logger } from '@nestjs/common';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typedMock } from '../../../test/helpers/typed-mock';
import { sha256Of } from '../../common/downloads/checked-download';
import { ConflictError } from '../../common/errors';
import type { CatalogConfig } from '../catalog.config';
import type { CatalogImportResponseDto } from '../dto/catalog-import-response.dto';
import type { CatalogImportsService } from '../imports/catalog-imports.service';
import type { CatalogStore } from '../storage/catalog-store';
import { StarterCatalog } from './starter-catalog';

const FILE = 'track_id,track_name\n6f807x0ima9a1j3VPbc7VN,Song\n';

/** An import view as CatalogImportsService answers it (only the fields the starter reads). */
const importView = (fields: Partial<CatalogImportResponseDto>) =>
  ({
    id: 'import-1',
    status: 'succeeded',
    tracks_added: 1,
    error: null,
    error_code: null,
    ...fields,
  }) as CatalogImportResponseDto;

describe('StarterCatalog', () => {
  let dir: string;
  let fetchMock: jest.SpyInstance;
  /** Answers of CatalogStore.isEmpty, in turn (the last one repeats). */
  let emptiness: boolean[];
  const store = {
    isEmpty: typedMock<CatalogStore['isEmpty']>(() =>
      Promise.resolve(emptiness.length > 1 ? emptiness.shift()! : emptiness[0]),
    ),
  };
  const start = typedMock<CatalogImportsService['start']>();
  const starter = () =>
    new StarterCatalog(
      store as unknown as CatalogStore,
      { start } as unknown as CatalogImportsService,
      {
        starterUrl: 'https://example.test/data/spotify_songs.csv',
        starterSha256: sha256Of(FILE),
        starterDownloadPath: join(dir, 'starter-catalog'),
        importLimit: 1024 * 1024,
      } as CatalogConfig,
    );
  /** The stream the import was given, read to its end as the import would (or to its error). */
  const readImported = async (): Promise<string> => {
    const stream = start.mock.calls[0][0];
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return text;
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'starter-catalog-'));
    fetchMock = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(() => Promise.resolve(new Response(FILE)));
    start.mockReset();
  });
  afterEach(() => {
    fetchMock.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports the checked file into an empty catalog, as origin starter, and removes it after', async () => {
    emptiness = [true];
    let imported: Promise<string> | undefined;
    start.mockImplementation(() => {
      imported = readImported();
      return Promise.resolve({
        import: importView({ status: 'running' }),
        finished: imported.then(() => importView({})),
        result: () => Promise.resolve(importView({})),
      });
    });
    const catalog = starter();
    catalog.onApplicationBootstrap();
    await catalog.settled();
    expect(await imported).toBe(FILE);
    expect(start.mock.calls[0][1]).toMatchObject({
      origin: 'starter',
      source: 'starter: spotify_songs.csv',
    });
    expect(catalog.status()).toMatchObject({ status: 'succeeded', import_id: 'import-1' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads nothing when, holding the claim, it finds the catalog filled meanwhile', async () => {
    // Empty at start-up, filled by another process by the time this one holds the claim.
    emptiness = [true, false];
    let reading: Promise<unknown> | undefined;
    start.mockImplementation(() => {
      reading = readImported().catch((error: unknown) => error);
      return Promise.resolve({
        import: importView({ status: 'running' }),
        finished: reading.then((error) =>
          importView({
            status: 'failed',
            error: (error as Error).message,
            error_code: (error as { code: string }).code,
          }),
        ),
        result: () => Promise.reject(new Error('unused')),
      });
    });
    const catalog = starter();
    catalog.onApplicationBootstrap();
    await catalog.settled();
    expect(await reading).toMatchObject({ code: 'STARTER_NOT_NEEDED' });
    expect(catalog.status()).toMatchObject({ status: 'skipped', error_code: 'STARTER_NOT_NEEDED' });
  });

  it('leaves it to the import running elsewhere (409)', async () => {
    emptiness = [true];
    start.mockRejectedValue(
      new ConflictError('Catalog import x is in progress', 'IMPORT_IN_PROGRESS'),
    );
    const catalog = starter();
    catalog.onApplicationBootstrap();
    await catalog.settled();
    expect(catalog.status()).toMatchObject({ status: 'skipped', error_code: 'IMPORT_IN_PROGRESS' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never downloads into a catalog that holds tracks', async () => {
    emptiness = [false];
    const catalog = starter();
    catalog.onApplicationBootstrap();
    await catalog.settled();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(catalog.status()).toBeNull();
  });
});
