import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CatalogChanges, type CatalogChange } from '../src/catalog/catalog-changes';
import { CatalogHarvester } from '../src/catalog/catalog-harvester';
import type { CatalogTrackRecord } from '../src/catalog/catalog-track';
import { CatalogImportsService } from '../src/catalog/imports/catalog-imports.service';
import { CatalogStore } from '../src/catalog/storage/catalog-store';
import { AppError } from '../src/common/errors';
import { CATALOG_FILES, pandasColumnsBody } from './helpers/catalog-files';
import { ImportFailed, importText } from './helpers/catalog-import';
import { readSharedText } from './helpers/shared-data';
import {
  createTestApp,
  expectErrorBody,
  TEST_ADMIN_KEY,
  type TestApp,
} from './helpers/create-test-app';

const ADMIN = { 'X-API-Key': TEST_ADMIN_KEY };

describe('catalog imports of every format, and the catalog routes', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());
  const catalogSize = async () =>
    (await http().get('/api/v1/catalog').expect(200)).body.tracks as number;

  beforeAll(async () => {
    // The format files carry several bad rows each on purpose: allow them here.
    testApp = await createTestApp({ CATALOG_MAX_BAD_ROWS: '0.6', CATALOG_WATCH_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await testApp.close();
  });

  describe.each(Object.entries(CATALOG_FILES))('%s', (name, file) => {
    it('imports: counts, bad rows by line, and the track as the catalog shows it', async () => {
      const view = await importText(testApp.app, file.body, {
        source: `${name} test`,
        contentType: file.contentType,
      });
      expect(view).toMatchObject({
        status: 'succeeded',
        format: file.format,
        source: `${name} test`,
        rows_read: file.rows,
      });
      expect(view.tracks_added + view.tracks_updated + view.tracks_unchanged).toBe(file.tracks);
      expect(view.rows_skipped).toBe(file.skippedLines.length);
      expect(view.skipped.map((skip) => skip.line)).toEqual(file.skippedLines);
      expect(view.sha256).toMatch(/^[0-9a-f]{64}$/);

      const track = await http().get(`/api/v1/catalog/tracks/${file.check.id}`).expect(200);
      expect(track.body).toMatchObject(file.check.expected);
      expect(track.body).toMatchObject({
        id: file.check.id,
        uri: `spotify:track:${file.check.id}`,
        external_urls: { spotify: `https://open.spotify.com/track/${file.check.id}` },
      });
    });
  });

  it('merges genres across imports and keeps what a later source lacks', async () => {
    // The same track from the 114k file, now under another genre and without an album name.
    const again = CATALOG_FILES['tracks-114k'].body
      .replace(/,chill$/m, ',sad')
      .replace('To Begin Again,To Begin Again,57', ',To Begin Again,57');
    const view = await importText(testApp.app, again, { source: 'again' });
    expect(view).toMatchObject({ tracks_added: 0, tracks_updated: 1, tracks_unchanged: 2 });
    const track = await http().get('/api/v1/catalog/tracks/1iJBSr7s7jYXzM8EGcbK5b').expect(200);
    expect(track.body.genres).toEqual(['acoustic', 'chill', 'sad']);
    expect(track.body.album.name).toBe('To Begin Again');
  });

  it('imports the same file again without adding anything', async () => {
    const file = CATALOG_FILES['tracks-1.2m'];
    const view = await importText(testApp.app, file.body);
    expect(view).toMatchObject({
      status: 'succeeded',
      tracks_added: 0,
      tracks_updated: 0,
      tracks_unchanged: 2,
    });
  });

  it('reads a file of many batches: bad rows by their line across batch and INSERT boundaries, the last row of an id kept', async () => {
    // Rows are read in batches of 250 and staged 100 to an INSERT on SQLite: bad rows sit at and
    // around those boundaries, a cell with a line break shifts every later line by one, and two
    // ids come again (within one INSERT, and batches later) with another name.
    const [header, row] = CATALOG_FILES['tracks-1.2m'].body.split('\n');
    const cells = row.split(',');
    const id = (n: number) => `batchRow${String(n).padStart(6, '0')}`;
    const rows: string[] = [];
    for (let n = 1; n <= 700; n += 1) {
      const line = [...cells];
      line[0] = n === 302 ? id(301) : n === 520 ? id(10) : id(n);
      line[1] = n === 50 ? '"Two\nLines"' : n === 302 || n === 520 ? 'Again' : `Song ${n}`;
      if (n === 100 || n === 250) line[10] = '1.7'; // energy out of range
      if (n === 251) line[11] = 'loud'; // key
      rows.push(n === 600 ? line.slice(0, 5).join(',') : line.join(','));
    }
    const view = await importText(testApp.app, [header, ...rows].join('\n'));
    // Row n is on line n + 1 up to row 50, which takes two lines, and on line n + 2 after it.
    expect(view).toMatchObject({ status: 'succeeded', rows_read: 700, tracks_added: 694 });
    expect(view.skipped).toEqual([
      { line: 102, reason: 'energy 1.7 is out of range (0 to 1)' },
      { line: 252, reason: 'energy 1.7 is out of range (0 to 1)' },
      { line: 253, reason: 'key "loud" is not a number' },
      { line: 602, reason: 'has 5 columns, the header has 24' },
    ]);
    const track = async (n: number) =>
      (
        await http()
          .get(`/api/v1/catalog/tracks/${id(n)}`)
          .expect(200)
      ).body as { name: string };
    expect((await track(50)).name).toBe('Two\nLines');
    expect((await track(301)).name).toBe('Again');
    expect((await track(10)).name).toBe('Again');
    expect((await track(700)).name).toBe('Song 700');
    await http()
      .get(`/api/v1/catalog/tracks/${id(251)}`)
      .expect(404);
  });

  it('leaves no staging tables behind', async () => {
    const dataSource = testApp.app.get(DataSource);
    const staging =
      dataSource.options.type === 'postgres'
        ? "SELECT relname AS name FROM pg_class WHERE relname LIKE 'catalog_stage%'"
        : "SELECT name FROM sqlite_temp_master WHERE name LIKE 'catalog_stage%'";
    expect(await dataSource.query(staging)).toEqual([]);
  });

  it('imports pandas columns and gzip-encoded files', async () => {
    const pandas = await importText(testApp.app, pandasColumnsBody());
    expect(pandas).toMatchObject({ status: 'succeeded', format: 'json', rows_read: 1 });
    const spotifyFeatures = CATALOG_FILES['spotify-features'];
    const gzipped = await importText(testApp.app, spotifyFeatures.body, { gzip: true });
    expect(gzipped).toMatchObject({
      status: 'succeeded',
      format: 'spotify-features',
      tracks_unchanged: 2,
    });
  });

  it('refuses a file of no known format with 400 UNKNOWN_FORMAT naming the formats, and records the failure', async () => {
    const before = await catalogSize();
    const error = await importText(testApp.app, 'title,singer\nYesterday,The Beatles\n').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportFailed);
    const { status, body } = error as ImportFailed;
    expect(status).toBe(400);
    expectErrorBody(body, 400, 'UNKNOWN_FORMAT');
    expect(body.message).toMatch(
      /tidytuesday.*tracks-114k.*tracks-600k.*tracks-1\.2m.*spotify-features.*json.*ndjson/,
    );
    const failed = await http()
      .get(`/api/v1/catalog/imports/${(body.details as { import_id: string }).import_id}`)
      .expect(200);
    expect(failed.body).toMatchObject({ status: 'failed', error_code: 'UNKNOWN_FORMAT' });
    expect(await catalogSize()).toBe(before);
  });

  it('fails an import with more bad rows than CATALOG_MAX_BAD_ROWS allows, changing nothing', async () => {
    const before = await catalogSize();
    const mostlyBad = [
      '{"id": "5ghIJDpPoe3CfHMGu71E6T", "energy": 0.5}',
      '{"id": "x", "energy": 3}',
      '{"energy": 0.1}',
      'nope',
    ].join('\n');
    const error = await importText(testApp.app, mostlyBad, {
      contentType: 'application/x-ndjson',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422, code: 'TOO_MANY_BAD_ROWS' });
    const id = (error as { details: { import_id: string } }).details.import_id;
    const failed = await http().get(`/api/v1/catalog/imports/${id}`).expect(200);
    expect(failed.body).toMatchObject({
      status: 'failed',
      rows_read: 4,
      rows_skipped: 3,
      tracks_added: 0,
    });
    expect(failed.body.skipped.map((skip: { line: number }) => skip.line)).toEqual([2, 3, 4]);
    expect(await catalogSize()).toBe(before);
    await http().get('/api/v1/catalog/tracks/5ghIJDpPoe3CfHMGu71E6T').expect(404);
  });

  it('runs one import at a time: another gets 409 IMPORT_IN_PROGRESS naming it; progress shows while it runs', async () => {
    const imports = testApp.app.get(CatalogImportsService);
    const stream = new PassThrough();
    const file = CATALOG_FILES['tracks-600k'];
    const [header, ...rows] = file.body.split('\n');
    stream.write(`${header}\n${rows[0]}\n`);
    const started = await imports.start(stream, { source: 'slow upload' });

    const conflict = await importText(testApp.app, file.body).catch((e: unknown) => e);
    expect(conflict).toMatchObject({
      status: 409,
      code: 'IMPORT_IN_PROGRESS',
      details: { import_id: started.import.id },
    });
    expect((conflict as Error).message).toContain(started.import.id);

    const running = await waitFor(
      () => http().get(`/api/v1/catalog/imports/${started.import.id}`).expect(200),
      (response) => response.body.bytes_read > 0,
    );
    expect(running.body).toMatchObject({ status: 'running', progress: { phase: 'reading' } });
    expect(running.body.progress.bytes_read).toBeGreaterThan(0);

    stream.end(`${rows[1]}\n`);
    expect(await started.finished).toMatchObject({ status: 'succeeded', rows_read: 2 });
    // The slot is free again.
    await expect(importText(testApp.app, file.body)).resolves.toMatchObject({
      status: 'succeeded',
    });
  });

  it('a cancelled import (the client goes away) fails and changes nothing', async () => {
    const before = await catalogSize();
    const stream = new PassThrough();
    const started = await testApp.app.get(CatalogImportsService).start(stream);
    stream.write(
      CATALOG_FILES['tracks-1.2m'].body.replace(
        /7lmeHLHBe4nmXzuXc0HDjk/,
        '7lmeHLHBe4nmXzuXc0HDjz',
      ) + '\n',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    stream.destroy(new Error('aborted'));
    expect(await started.finished).toMatchObject({ status: 'failed' });
    expect(await catalogSize()).toBe(before);
    await http().get('/api/v1/catalog/tracks/7lmeHLHBe4nmXzuXc0HDjz').expect(404);
  });

  it('reports the error an import failed with by its own status and code, on the import and to the caller', async () => {
    const stream = new PassThrough();
    const started = await testApp.app.get(CatalogImportsService).start(stream);
    stream.write(`${CATALOG_FILES['tracks-600k'].body.split('\n')[0]}\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // An error the importer has no rule of its own for, as a new reader of the file may raise.
    stream.destroy(new AppError(451, 'SOURCE_WITHDRAWN', 'The source withdrew the file'));
    const location = `/api/v1/catalog/imports/${started.import.id}`;
    await expect(started.result()).rejects.toMatchObject({
      status: 451,
      code: 'SOURCE_WITHDRAWN',
      message: 'The source withdrew the file',
      details: { import_id: started.import.id, location },
    });
    expect((await http().get(location).expect(200)).body).toMatchObject({
      status: 'failed',
      error_code: 'SOURCE_WITHDRAWN',
      error: 'The source withdrew the file',
    });
  });

  it('answers GET /catalog with counts, genres, coverage, sources and the last import', async () => {
    const response = await http().get('/api/v1/catalog').expect(200);
    const body = response.body;
    expect(body.tracks).toBeGreaterThanOrEqual(12);
    expect(body.artists).toBeGreaterThanOrEqual(10);
    expect(body.genres).toEqual(
      expect.arrayContaining([
        { name: 'acoustic', tracks: 3 },
        { name: 'rock', tracks: 1 },
      ]),
    );
    expect(Object.keys(body.feature_coverage)).toHaveLength(13);
    expect(body.feature_coverage.danceability).toBe(1);
    expect(body.feature_coverage.time_signature).toBeGreaterThan(0);
    expect(body.feature_coverage.time_signature).toBeLessThan(1); // TidyTuesday has none
    expect(body.sources).toEqual(expect.arrayContaining([{ name: 'tidytuesday test', tracks: 3 }]));
    expect(body.last_import).toMatchObject({ status: 'succeeded' });
  });

  it('lists imports newest first, paged, and validates the page', async () => {
    const all = await http().get('/api/v1/catalog/imports?limit=100').expect(200);
    expect(all.body.total).toBeGreaterThanOrEqual(12);
    const page = await http().get('/api/v1/catalog/imports?limit=2&offset=1').expect(200);
    expect(page.body).toMatchObject({ limit: 2, offset: 1, total: all.body.total });
    expect(page.body.imports.map((i: { id: string }) => i.id)).toEqual(
      all.body.imports.slice(1, 3).map((i: { id: string }) => i.id),
    );
    const bad = await http().get('/api/v1/catalog/imports?limit=0').expect(400);
    expectErrorBody(bad.body, 400, 'VALIDATION_FAILED');
    expectErrorBody(
      (await http().get('/api/v1/catalog/imports/nope').expect(404)).body,
      404,
      'IMPORT_NOT_FOUND',
    );
  });

  it('answers 404 TRACK_NOT_FOUND for an unknown track', async () => {
    const response = await http().get('/api/v1/catalog/tracks/0000000000000000000000').expect(404);
    expectErrorBody(response.body, 404, 'TRACK_NOT_FOUND');
  });

  it('deletes a track with the admin key only (401 without), announcing it', async () => {
    const id = '35iwgR4jXetI318WEWsa1Q';
    const notices = collectChanges(testApp);
    expectErrorBody(
      (await http().delete(`/api/v1/catalog/tracks/${id}`).expect(401)).body,
      401,
      'UNAUTHORIZED',
    );
    await http()
      .delete(`/api/v1/catalog/tracks/${id}`)
      .set('X-API-Key', 'wrong-key-0123456789')
      .expect(401);
    await http().get(`/api/v1/catalog/tracks/${id}`).expect(200);
    await http().delete(`/api/v1/catalog/tracks/${id}`).set(ADMIN).expect(204);
    await http().get(`/api/v1/catalog/tracks/${id}`).expect(404);
    await http().delete(`/api/v1/catalog/tracks/${id}`).set(ADMIN).expect(404);
    expect(notices.list).toEqual([{ type: 'removed', ids: [id] }]);
    notices.stop();
  });

  it('announces the tracks an import added or changed, and nothing for unchanged ones', async () => {
    const notices = collectChanges(testApp);
    const file = CATALOG_FILES['tracks-600k'];
    await importText(testApp.app, file.body); // one track was deleted above: added again
    await importText(testApp.app, file.body); // nothing changes
    expect(notices.list).toEqual([{ type: 'upserted', ids: ['35iwgR4jXetI318WEWsa1Q'] }]);
    notices.stop();
  });

  it('streams the whole catalog in id order, in batches, with genres', async () => {
    const store = testApp.app.get(CatalogStore);
    const batches: CatalogTrackRecord[][] = [];
    for await (const batch of store.streamAll(5)) batches.push(batch);
    const tracks = batches.flat();
    expect(batches.every((batch) => batch.length <= 5)).toBe(true);
    expect(tracks).toHaveLength(await catalogSize());
    const ids = tracks.map((track) => track.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(tracks.find((track) => track.id === '6f807x0ima9a1j3VPbc7VN')).toMatchObject({
      genres: ['dance pop', 'hard rock', 'pop', 'rock'],
      explicit: null,
      features: expect.objectContaining({ energy: 0.916, time_signature: null }),
    });
    expect(tracks.find((track) => track.id === '1iJBSr7s7jYXzM8EGcbK5b')?.explicit).toBe(true);
  });

  it('adds harvested tracks to the catalog, keeping what it knew of them, and announces them', async () => {
    const harvester = testApp.app.get(CatalogHarvester);
    const notices = collectChanges(testApp);
    const known = '6f807x0ima9a1j3VPbc7VN';
    const fresh = '2takcwOaAZWiXQijPHIx7B';
    const features = {
      danceability: 0.6,
      energy: 0.7,
      key: 2,
      loudness: -6,
      mode: 0,
      speechiness: 0.05,
      acousticness: 0.2,
      instrumentalness: 0,
      liveness: 0.1,
      valence: 0.3,
      tempo: 100,
      duration_ms: 210000,
      time_signature: 3,
    };
    harvester.offer([
      { row: 0, label: '0', id: fresh, ...features },
      { row: 1, label: '1', id: known, ...features },
    ]);
    await harvester.flush();
    const added = await http().get(`/api/v1/catalog/tracks/${fresh}`).expect(200);
    expect(added.body).toMatchObject({ name: null, artists: [], features });
    const updated = await http().get(`/api/v1/catalog/tracks/${known}`).expect(200);
    expect(updated.body).toMatchObject({
      name: "I Don't Care",
      genres: ['dance pop', 'hard rock', 'pop', 'rock'],
      features,
    });
    expect(notices.list).toEqual([
      { type: 'upserted', ids: expect.arrayContaining([fresh, known]) },
    ]);
    const summary = await http().get('/api/v1/catalog').expect(200);
    expect(summary.body.sources).toEqual(expect.arrayContaining([{ name: 'harvest', tracks: 1 }]));
    notices.stop();
  });
});

describe('POST /api/v1/catalog/imports over HTTP', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());

  beforeAll(async () => {
    testApp = await createTestApp({ CATALOG_WATCH_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('imports the real sample sent gzip-compressed, merging each track’s genres', async () => {
    const sample = readSharedText('spotify_songs_dev.csv');
    const view = await importText(testApp.app, sample, { gzip: true, source: 'TidyTuesday' });
    expect(view).toMatchObject({
      status: 'succeeded',
      format: 'tidytuesday',
      rows_read: 22_802,
      tracks_added: 20_579,
      rows_skipped: 0,
      source: 'TidyTuesday',
    });
    const summary = (await http().get('/api/v1/catalog').expect(200)).body;
    expect(summary.tracks).toBe(20_579);
    expect(summary.feature_coverage.time_signature).toBe(0);
  });

  it('with Prefer: respond-async answers 202 and a Location to poll until it has finished', async () => {
    const started = await http()
      .post('/api/v1/catalog/imports?source=async')
      .set(ADMIN)
      .set('Prefer', 'respond-async')
      .set('Content-Type', 'text/csv')
      .send(CATALOG_FILES['tracks-114k'].body)
      .expect(202);
    expect(started.headers.location).toBe(`/api/v1/catalog/imports/${started.body.id}`);
    const finished = await waitFor(
      () => http().get(started.headers.location).expect(200),
      (response) => response.body.status !== 'running',
    );
    expect(finished.body).toMatchObject({ status: 'succeeded', source: 'async', origin: 'api' });
  });

  it('refuses an import without the admin key (401), recording nothing', async () => {
    const before = (await http().get('/api/v1/catalog/imports').expect(200)).body.total;
    const refused = await http()
      .post('/api/v1/catalog/imports')
      .set('Content-Type', 'text/csv')
      .send(CATALOG_FILES.tidytuesday.body)
      .expect(401);
    expectErrorBody(refused.body, 401, 'UNAUTHORIZED');
    expect((await http().get('/api/v1/catalog/imports').expect(200)).body.total).toBe(before);
  });

  it('answers a request without a file, or with an unknown format, with 400 naming the field', async () => {
    const empty = await http().post('/api/v1/catalog/imports').set(ADMIN).expect(400);
    expectErrorBody(empty.body, 400, 'VALIDATION_FAILED');
    expect(empty.body.details).toEqual([{ path: 'body', message: expect.any(String) }]);
    const format = await http()
      .post('/api/v1/catalog/imports?format=xlsx')
      .set(ADMIN)
      .set('Content-Type', 'text/csv')
      .send('a,b\n')
      .expect(400);
    expect(format.body.details).toEqual([{ path: 'format', message: expect.any(String) }]);
  });

  it('imports the example body Swagger UI shows, as is', async () => {
    const document = (await http().get('/docs-json').expect(200)).body;
    const operation = document.paths['/api/v1/catalog/imports'].post;
    const example = operation.requestBody.content['text/csv'].schema.example as string;
    const view = await importText(testApp.app, example);
    expect(view).toMatchObject({ status: 'succeeded', format: 'tracks-600k', rows_read: 1 });
  });
});

describe('catalog import limit', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp({ CATALOG_IMPORT_LIMIT: '1kb', CATALOG_WATCH_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('refuses a file declared larger than CATALOG_IMPORT_LIMIT with 413 at once: no import starts, nothing changes', async () => {
    const error = await importText(testApp.app, CATALOG_FILES.tidytuesday.body).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportFailed);
    const { status, body } = error as ImportFailed;
    expect(status).toBe(413);
    expectErrorBody(body, 413, 'PAYLOAD_TOO_LARGE');
    expect(body.message).toMatch(/CATALOG_IMPORT_LIMIT/);
    const http = request(testApp.app.getHttpServer());
    expect((await http.get('/api/v1/catalog/imports').expect(200)).body.imports).toEqual([]);
    expect((await http.get('/api/v1/catalog').expect(200)).body.tracks).toBe(0);
  });

  it('counts the limit on what a gzip file decodes to: a small file that inflates past it fails its import with 413, changing nothing', async () => {
    const bomb = CATALOG_FILES.tidytuesday.body + 'x'.repeat(64 * 1024);
    expect(gzipSync(bomb).length).toBeLessThan(1024);
    const error = await importText(testApp.app, bomb, { gzip: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    const http = request(testApp.app.getHttpServer());
    const imports = await http.get('/api/v1/catalog/imports').expect(200);
    expect(imports.body.imports[0]).toMatchObject({
      status: 'failed',
      error_code: 'PAYLOAD_TOO_LARGE',
    });
    expect((await http.get('/api/v1/catalog').expect(200)).body.tracks).toBe(0);
  });

  it('answers a file that does not decompress as its Content-Encoding says with 400', async () => {
    const response = await request(testApp.app.getHttpServer())
      .post('/api/v1/catalog/imports')
      .set(ADMIN)
      .set('Content-Type', 'text/csv')
      .set('Content-Encoding', 'gzip')
      .send('id,name\nnot,gzip\n')
      .expect(400);
    expectErrorBody(response.body, 400, 'INVALID_CONTENT_ENCODING');
  });
});

/** Catalog change notices of the app, from now until stop(). */
function collectChanges(testApp: TestApp): { list: CatalogChange[]; stop: () => void } {
  const list: CatalogChange[] = [];
  const stop = testApp.app.get(CatalogChanges).subscribe((change) => list.push(change));
  return { list, stop };
}

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
