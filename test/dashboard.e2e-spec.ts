// The callbacks given to page.evaluate run in the browser, with its types.
/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { get, request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import {
  createTestApp,
  expectErrorBody,
  SMALL_MOOD_TRAINING,
  TEST_ADMIN_KEY,
  type TestApp,
} from './helpers/create-test-app';
import { CatalogIndexLoader } from '../src/catalog-index/catalog-index-loader';
import { CatalogMoodScorer } from '../src/catalog-index/catalog-mood-scorer';
import { importText } from './helpers/catalog-import';
import { readSharedJson, readSharedText, sharedDataPath } from './helpers/shared-data';
import { toPandasColumns } from './helpers/pandas-columns';
import type { ResolvedCounts } from '../src/dashboard/web/api/types';
import { resolvedSummary } from '../src/dashboard/web/try-it/resolution';
import { extendedBase } from './helpers/listening-exports';

/** Debian's chromium, never a browser download (.ci/run installs it with apt-get). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const REPOSITORY = resolve(__dirname, '..');
/** Screenshots for a person to look at (git-ignored). */
const ARTIFACTS = join(__dirname, 'artifacts');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/**
 * Few epochs, through the settings, but enough that a run trains for several of the page's one-second
 * polls (a run of 40 epochs can finish between two of them).
 */
const DASHBOARD_EPOCHS = 200;
const DASHBOARD_SETTINGS = {
  ...SMALL_MOOD_TRAINING,
  MOOD_MAX_EPOCHS: String(DASHBOARD_EPOCHS),
  MOOD_PATIENCE: String(DASHBOARD_EPOCHS),
  // The catalog holds exactly what the tests import (histories posted to the app do not join it).
  CATALOG_HARVEST: 'false',
};
const ADMIN = { 'X-API-Key': TEST_ADMIN_KEY };
const shortId = (id: string) => id.split('-')[0];
const trendyHistory = readSharedJson<unknown[]>('trendy_metrics.json');
/** Chromium's own log line for a response with an error status. */
const statusLogged = (status: number): unknown =>
  expect.stringMatching(new RegExp(`status of ${status}`)) as unknown;

/** Spotify ids (22 base62 characters) no real track has. */
const uploadId = (row: number) => `0DashboardUpload${String(row).padStart(6, '0')}`;

/** A small TidyTuesday CSV: the shared sample's first rows, each under a new track id. */
function smallCatalogCsv(rows: number, firstId = 0): string {
  const [header, ...lines] = readSharedText('spotify_songs_dev.csv').split('\n');
  const renamed = lines
    .slice(0, rows)
    .map((line, row) => uploadId(firstId + row) + line.slice(line.indexOf(',')));
  return `${[header, ...renamed].join('\n')}\n`;
}

/** A full-page screenshot from the top (the sticky header would be drawn where it was scrolled). */
async function screenshot(page: Page, file: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true });
}

/** A page with everything it asked for and every console error it printed, recorded. */
interface WatchedPage {
  page: Page;
  requests: string[];
  consoleErrors: string[];
}

if (!existsSync(CHROMIUM)) {
  describe('dashboard in Chromium', () => {
    it('needs Debian chromium', () => {
      throw new Error(`No browser at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    });
  });
} else {
  describe('dashboard in Chromium', () => {
    let testApp: TestApp;
    let origin: string;
    let browser: Browser;
    const http = () => request(testApp.app.getHttpServer());
    const opened: WatchedPage[] = [];

    beforeAll(async () => {
      // Build the page from the sources under test into dist/dashboard, where the app serves it.
      execFileSync(
        process.execPath,
        [join(REPOSITORY, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
        { cwd: REPOSITORY, stdio: 'inherit' },
      );
      mkdirSync(ARTIFACTS, { recursive: true });
      testApp = await createTestApp(DASHBOARD_SETTINGS);
      await testApp.app.listen(0, '127.0.0.1');
      origin = (await testApp.app.getUrl()).replace('[::1]', '127.0.0.1');
      // The first model, trained through the API with the test settings.
      await http().get('/api/v1/default_train_mood').set(ADMIN).expect(200);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await testApp?.close();
    });

    afterEach(async () => {
      for (const { page } of opened.splice(0)) await page.context().close();
    });

    async function openDashboard(viewport = DESKTOP, fragment = ''): Promise<WatchedPage> {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const watched: WatchedPage = { page, requests: [], consoleErrors: [] };
      page.on('request', (sent) => watched.requests.push(sent.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') watched.consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => watched.consoleErrors.push(error.message));
      opened.push(watched);
      await page.goto(`${origin}/dashboard${fragment}`);
      return watched;
    }

    /** Nothing the page asked for left the service (data: URLs never leave the browser). */
    function expectOnlyOwnRequests({ requests }: WatchedPage): void {
      expect(requests.length).toBeGreaterThan(0);
      const outside = requests.filter(
        (url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'),
      );
      expect(outside).toEqual([]);
    }

    /** The shared TidyTuesday sample as the catalog, imported once as an operator would. */
    let catalogImported = false;
    async function ensureCatalog(): Promise<void> {
      if (catalogImported) return;
      await importText(testApp.app, readSharedText('spotify_songs_dev.csv'), {
        source: 'TidyTuesday sample',
      });
      await testApp.app.get(CatalogIndexLoader).settled();
      catalogImported = true;
    }

    const activeModelId = async (): Promise<string> =>
      (await http().get('/api/v1/mood/model').expect(200)).body.id as string;

    async function succeededModels(): Promise<string[]> {
      const runs = await http().get('/api/v1/mood/runs').expect(200);
      return (runs.body.runs as { model_id: string | null }[])
        .map((run) => run.model_id)
        .filter((id): id is string => id !== null);
    }

    it('serves the built page at /dashboard, caching hashed assets for a year and revalidating the page', async () => {
      for (const path of ['/dashboard', '/dashboard/']) {
        const page = await http().get(path).expect(200);
        expect(page.headers['content-type']).toMatch(/text\/html/);
        expect(page.headers['cache-control']).toBe('no-cache');
        expect(page.headers['content-security-policy']).toContain("script-src 'self'");
        expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
      }
      const html = (await http().get('/dashboard').expect(200)).text;
      const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map(
        (match) => match[1],
      );
      expect(assets.length).toBeGreaterThanOrEqual(2); // the script and the style sheet
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      for (const asset of assets) {
        const response = await http().get(asset).expect(200);
        expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      }
      await http()
        .get(assets[0])
        .set('Range', 'bytes=99999999-')
        .expect(416)
        .then((response) => expectErrorBody(response.body, 416, 'RANGE_NOT_SATISFIABLE'));
      await http().get('/dashboard/assets/no-such-file.js').expect(404);
    });

    it('refuses a path that climbs out of the dashboard folder with a 4xx in the error shape', async () => {
      const { status, body } = await new Promise<{ status: number; body: string }>((done, fail) => {
        // Sent as is: HTTP clients would normalise the `..` away.
        get(`${origin}/dashboard/../package.json`, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => done({ status: response.statusCode ?? 0, body: text }));
        }).on('error', fail);
      });
      expect([403, 404]).toContain(status);
      expectErrorBody(JSON.parse(body), status, status === 403 ? 'FORBIDDEN' : 'NOT_FOUND');
      expect(body).not.toContain('spotify-recommender');
    });

    it('loads with no console error and no request outside the service, names the active model and lists the runs', async () => {
      const modelId = await activeModelId();
      const runs = (await http().get('/api/v1/mood/runs').expect(200)).body.runs as {
        id: string;
      }[];
      const watched = await openDashboard();
      const { page } = watched;

      await page.getByTestId('active-model').getByText(shortId(modelId)).waitFor();
      await page.getByTestId('service-health').getByText(/^up/).waitFor();
      for (const run of runs) {
        await page.locator(`[data-testid=runs-table] tr[data-run-id="${run.id}"]`).waitFor();
      }
      await expect(page.title()).resolves.toBe('SpotifyRecommender dashboard');
      await screenshot(page, 'desktop-training.png');

      expect(watched.consoleErrors).toEqual([]);
      expectOnlyOwnRequests(watched);
    });

    it("shows a run's per-mood precision and recall, its confusion matrix as a heat map, its spread over the folds and its loss and accuracy by epoch", async () => {
      const [listed] = (await http().get('/api/v1/mood/runs?limit=1').expect(200)).body.runs;
      const run = (await http().get(`/api/v1/mood/runs/${listed.id}`).expect(200)).body;
      const split = run.metrics.cross_validation.pooled;
      const watched = await openDashboard();
      const { page } = watched;

      await page.getByRole('button', { name: `Show run ${shortId(run.id)}` }).click();
      const details = page.getByTestId('run-details');
      await details.getByText(run.id).waitFor();
      const matrix = details.getByTestId('confusion-matrix');
      await matrix.waitFor();

      const labels: string[] = split.confusion_matrix.labels;
      await expect(matrix.locator('thead th.predicted').allTextContents()).resolves.toEqual(labels);
      await expect(matrix.locator('tbody th').allTextContents()).resolves.toEqual(labels);
      const cells = await matrix.locator('tbody td').evaluateAll((tds) =>
        tds.map((td) => ({
          count: Number(td.textContent),
          background: getComputedStyle(td).backgroundColor,
        })),
      );
      expect(cells.map((cell) => cell.count)).toEqual(split.confusion_matrix.matrix.flat());
      // A heat map: cells of different shares get different shades.
      expect(new Set(cells.map((cell) => cell.background)).size).toBeGreaterThan(2);
      const perMood = details.getByTestId('per-mood');
      await expect(perMood.locator('tbody th').allTextContents()).resolves.toEqual(
        Object.keys(split.per_mood),
      );

      // The spread over the folds: one row per metric the run measured, mean ± sd as the run has it.
      const spread = details.getByTestId('cv-spread');
      const spreadMetrics = Object.entries(
        run.metrics.cross_validation.spread as Record<string, { mean: number } | null>,
      ).filter(([, value]) => value !== null);
      await expect(spread.locator('tbody tr').count()).resolves.toBe(spreadMetrics.length);
      const accuracyRow = spread.locator('tr[data-metric=accuracy]');
      const meanAccuracy = (run.metrics.cross_validation.spread.accuracy.mean * 100).toFixed(1);
      await expect(accuracyRow.textContent()).resolves.toContain(meanAccuracy);
      await expect(accuracyRow.locator('.spread-fold').count()).resolves.toBe(
        run.metrics.cross_validation.per_fold.length,
      );

      // The learning curves of the chosen input set, from the run's per-epoch history.
      const candidate: string = run.metrics.model.candidate;
      const epochs: unknown[] = run.history.cross_validation[candidate];
      const curves = details.getByTestId('learning-curves');
      await curves.getByText(`Cross-validation of ${candidate}: ${epochs.length} epochs`).waitFor();
      await expect(curves.locator('figure').count()).resolves.toBe(2);
      await expect(curves.locator('figure canvas').count()).resolves.toBeGreaterThanOrEqual(2);
      for (const curve of ['loss', 'accuracy']) {
        const legend = curves.locator(`figure[data-curve=${curve}] .u-legend .u-label`);
        await expect(legend.allTextContents()).resolves.toEqual(
          expect.arrayContaining(['Training (CV)', 'Held-out (CV)', 'Final fit']),
        );
      }
      await screenshot(page, 'desktop-run-details.png');
      expect(watched.consoleErrors).toEqual([]);
    });

    it('retrains on the default dataset with the admin key, shows its live progress, then its model becomes active', async () => {
      const before = await activeModelId();
      const watched = await openDashboard();
      const { page } = watched;
      await page.getByTestId('active-model').getByText(shortId(before)).waitFor();

      await page.getByRole('button', { name: 'Retrain on the default dataset' }).click();
      await page.getByLabel('Admin API key').fill(TEST_ADMIN_KEY);
      const started = page.waitForResponse((response) =>
        response.url().includes('/api/v1/default_train_mood'),
      );
      await page.getByRole('button', { name: 'Continue' }).click();
      expect((await started).status()).toBe(202);

      const progress = page.getByTestId('run-progress');
      // The worker first loads TensorFlow.js (from source under jest): slow on a busy machine.
      await progress
        .getByText(new RegExp(`epoch \\d+ of at most ${DASHBOARD_EPOCHS}`))
        .waitFor({ timeout: 60_000 });
      await page.getByText(/Run \w+ succeeded: accuracy/).waitFor({ timeout: 60_000 });
      const after = await activeModelId();
      expect(after).not.toBe(before);
      await page.getByTestId('active-model').getByText(shortId(after)).waitFor();
      await page.getByTestId('admin-key-state').getByText('kept for this tab').waitFor();
      expect(watched.consoleErrors).toEqual([]);
      expectOnlyOwnRequests(watched);
      // Room for both waits above on a machine busy with other work (the default is 60 s in all).
    }, 150_000);

    it('activating a model without the key changes nothing (a wrong key is refused, 401) and with the key succeeds', async () => {
      while ((await succeededModels()).length < 2) {
        await http().get('/api/v1/default_train_mood').set(ADMIN).expect(200);
      }
      const active = await activeModelId();
      const other = (await succeededModels()).find((id) => id !== active)!;
      const watched = await openDashboard();
      const { page } = watched;
      const activate = page.getByRole('button', { name: `Activate model ${shortId(other)}` });
      const activations = () => watched.requests.filter((url) => url.includes('/activate')).length;

      // Asked for the key, the user cancels: no call is made.
      await activate.click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(activations()).toBe(0);

      // A wrong key: the service refuses, the page says so and forgets the key.
      await activate.click();
      await page.getByLabel('Admin API key').fill('not-the-admin-key-000');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('alert').getByText('UNAUTHORIZED').waitFor();
      expect(activations()).toBe(1);
      expect(await activeModelId()).toBe(active);
      await page.getByTestId('admin-key-state').getByText('not set').waitFor();

      // The key: the model becomes active, in the service and on the page.
      await activate.click();
      await page.getByLabel('Admin API key').fill(TEST_ADMIN_KEY);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText(`Model ${shortId(other)} is now the active model.`).waitFor();
      expect(await activeModelId()).toBe(other);
      await page.getByTestId('active-model').getByText(shortId(other)).waitFor();
      await page.getByTestId(`model-${other}`).getByText('Active').waitFor();

      // The refusal is the only console error: Chromium logs the 401 it received.
      expect(watched.consoleErrors).toEqual([expect.stringMatching(/status of 401/)]);
      expectOnlyOwnRequests(watched);
    });

    it('try it without a catalog says so, with how to import one, and still answers the trend and the mood', async () => {
      const catalog = await http().get('/api/v1/catalog').expect(200);
      expect(catalog.body.tracks).toBe(0); // this test runs before any import
      await testApp.app.get(CatalogIndexLoader).settled();
      const watched = await openDashboard(DESKTOP, '#try-it');
      const { page } = watched;
      await page.getByRole('button', { name: 'Load sample history' }).click();
      await page.getByRole('button', { name: 'Analyse' }).click();
      const songs = page.getByTestId('recommended-songs');
      await songs.getByTestId('catalog-hint').getByText('The catalog is empty').waitFor();
      await songs.getByText('CATALOG_EMPTY').waitFor();
      await page.getByTestId('mood-result').waitFor();
      await page.getByTestId('trend-charts').waitFor();
      expect(watched.consoleErrors).toEqual([statusLogged(503)]);
      expectOnlyOwnRequests(watched);
    });

    it("try it answers for the shared trendy sample: each feature's trend with its forecast interval, the mood, and recommended songs with their reasons and Spotify links", async () => {
      await ensureCatalog();
      const expected = await http().post('/api/v1/predict_mood').send(trendyHistory).expect(200);
      const trends = await http()
        .post('/api/v1/metrics?interval=0.8')
        .send(trendyHistory)
        .expect(200);
      const watched = await openDashboard(DESKTOP, '#try-it');
      const { page } = watched;
      const results = page.getByTestId('try-it-results');

      // A JSON array, uploaded as a file.
      await page
        .getByLabel('Or choose a file')
        .setInputFiles(sharedDataPath('trendy_metrics.json'));
      // The page reads the file asynchronously; it says so when it has, and holds it unshown.
      await page.getByText(/^Read trendy_metrics\.json/).waitFor();
      await page.getByTestId('held-history').getByText('trendy_metrics.json').waitFor();
      await expect(page.locator('#history-text').count()).resolves.toBe(0);
      const songsAnswered = page.waitForResponse(
        (response) =>
          response.url().includes('/api/v1/recommendations?') &&
          response.url().includes('explain=true'),
      );
      await page.getByRole('button', { name: 'Analyse' }).click();
      expect((await songsAnswered).status()).toBe(200);
      const mood = results.getByTestId('mood-result');
      await mood.locator('.mood-name').getByText(expected.body.mood, { exact: true }).waitFor();
      const probabilities = await mood.locator('.probabilities li').count();
      expect(probabilities).toBe(Object.keys(expected.body.probabilities).length);
      const charts = results.getByTestId('trend-charts');
      const features = Object.keys(trends.body.metrics);
      await expect(charts.locator('figure').count()).resolves.toBe(features.length);
      await expect(charts.locator('figure canvas').count()).resolves.toBeGreaterThanOrEqual(
        features.length,
      );
      for (const caption of await charts.locator('figcaption').allTextContents()) {
        expect(caption).toMatch(/forecast .+ \(interval .+ to .+\)/);
      }
      expect(
        watched.requests.some(
          (url) => url.includes('/api/v1/metrics?') && url.includes('interval=0.8'),
        ),
      ).toBe(true);

      // The songs, as the service answered the page: in its order, each with its reason and link.
      const answer = (await (await songsAnswered).json()) as {
        tracks: {
          id: string;
          name: string;
          genres: string[];
          reason: { contributions: unknown[] };
        }[];
        mood: { name: string } | null;
      };
      const songs = results.getByTestId('recommended-songs');
      const shown = songs.locator('li.song');
      await expect(
        shown.evaluateAll((items) => items.map((item) => item.getAttribute('data-track-id'))),
      ).resolves.toEqual(answer.tracks.map((track) => track.id));
      expect(answer.tracks.length).toBeGreaterThan(0);
      for (const [index, track] of answer.tracks.entries()) {
        const song = shown.nth(index);
        await expect(song.locator('.song-title strong').textContent()).resolves.toBe(track.name);
        const link = song.getByRole('link', { name: `Open ${track.name} in Spotify (new tab)` });
        await expect(link.getAttribute('href')).resolves.toBe(
          `https://open.spotify.com/track/${track.id}`,
        );
        await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer');
        await expect(link.getAttribute('target')).resolves.toBe('_blank');
        await expect(song.locator('.chip').allTextContents()).resolves.toEqual(track.genres);
        await expect(song.locator('.contributions li').count()).resolves.toBe(
          track.reason.contributions.length,
        );
      }
      await shown.first().locator('summary').click();
      await shown.first().locator('.contributions').waitFor();
      if (answer.mood) await songs.getByText(`Preferring ${answer.mood.name} songs`).waitFor();
      await results
        .getByTestId('mood-alternatives')
        .getByText(expected.body.alternatives[0].mood)
        .waitFor();
      await screenshot(page, 'desktop-try-it.png');

      // The same history as pandas columns, pasted.
      await page.getByTestId('held-history').getByRole('button', { name: 'Clear' }).click();
      await page
        .getByLabel('History as JSON or JSON Lines')
        .fill(JSON.stringify(toPandasColumns(trendyHistory as Record<string, unknown>[])));
      await page.getByRole('button', { name: 'Analyse' }).click();
      await page.getByText(`Answered: mood ${expected.body.mood}`).waitFor();

      // The sample bundled with the page.
      await page.getByRole('button', { name: 'Load sample history' }).click();
      await page.getByRole('button', { name: 'Analyse' }).click();
      await page.getByText(/Answered: mood \w+ .*over 8 tracks/).waitFor();

      expect(watched.consoleErrors).toEqual([]);
      expectOnlyOwnRequests(watched);
    });

    it('try it reads track ids, a dropped Extended streaming history and ListenBrainz JSON Lines, and shows how many rows were resolved and how, and each skipped row with why', async () => {
      await ensureCatalog();
      const watched = await openDashboard(DESKTOP, '#try-it');
      const { page } = watched;
      const results = page.getByTestId('try-it-results');
      const resolution = results.getByTestId('resolution');

      // The bundled ids (bare, URIs and links, each with a play time) are all catalog tracks.
      await page.getByRole('button', { name: 'Load sample ids' }).click();
      await expect(
        page.getByLabel('History as JSON or JSON Lines').inputValue(),
      ).resolves.toContain('spotify:track:');
      await page.getByRole('button', { name: 'Analyse' }).click();
      await resolution
        .getByTestId('resolved-summary')
        .getByText('8 rows: 8 by id', { exact: true })
        .waitFor();
      await results.getByTestId('recommended-songs').locator('li.song').first().waitFor();
      await page.getByText(/Answered: .*\. 8 rows: 8 by id\./).waitFor();

      // An Extended streaming history, dropped as a file: five catalog plays, then a podcast
      // episode, a play of a catalog track too short to count, and a track the catalog lacks.
      const catalogIds = readSharedText('spotify_songs_dev.csv')
        .split('\n')
        .slice(1, 7)
        .map((line) => line.slice(0, line.indexOf(',')));
      const play = (minute: number, fields: Record<string, unknown>) => ({
        ...extendedBase(Date.UTC(2026, 2, 1, 10, minute), 200_000),
        ...fields,
      });
      const extended = [
        ...catalogIds.slice(0, 5).map((id, minute) =>
          play(minute * 4, {
            master_metadata_track_name: `Catalog song ${minute}`,
            master_metadata_album_artist_name: 'Catalog artist',
            spotify_track_uri: `spotify:track:${id}`,
          }),
        ),
        play(20, {
          episode_name: 'A talk',
          episode_show_name: 'A show',
          spotify_episode_uri: 'spotify:episode:0DashboardEpisode00001',
        }),
        play(40, {
          ms_played: 4_000,
          master_metadata_track_name: 'Catalog song 5',
          master_metadata_album_artist_name: 'Catalog artist',
          spotify_track_uri: `spotify:track:${catalogIds[5]}`,
          reason_end: 'fwdbtn',
          skipped: true,
        }),
        play(41, {
          master_metadata_track_name: 'A song no catalog holds',
          master_metadata_album_artist_name: 'Nobody in the catalog',
          spotify_track_uri: 'spotify:track:0DashboardUnknown00001',
        }),
      ];
      const extendedText = JSON.stringify(extended, null, 2);
      const expected = await http()
        .post('/api/v1/recommendations')
        .set('Content-Type', 'application/json')
        .send(extendedText)
        .expect(200);
      const answer = expected.body as {
        resolved: { given: number; by_id: number; by_name: number; unresolved: number };
        skipped: { row: number; path: string; reason: string }[];
      };
      // The short play resolves by id too (it is a catalog track) and is then left out as too short;
      // the episode is no track, so no count has it.
      expect(answer.resolved).toEqual({ given: 0, by_id: 6, by_name: 0, unresolved: 1 });
      expect(answer.skipped.map((row) => row.path)).toEqual(
        expect.arrayContaining(['tracks[5]', 'tracks[6]', 'tracks[7]']),
      );
      const dropped = await page.evaluateHandle((text) => {
        const transfer = new DataTransfer();
        transfer.items.add(
          new File([text], 'Streaming_History_Audio_2026.json', { type: 'application/json' }),
        );
        return transfer;
      }, extendedText);
      await page.getByTestId('history-drop').dispatchEvent('drop', { dataTransfer: dropped });
      await page
        .getByTestId('held-history')
        .getByText('Streaming_History_Audio_2026.json')
        .waitFor();
      await page.getByRole('button', { name: 'Analyse' }).click();
      const summary = resolution.getByTestId('resolved-summary');
      await summary.getByText(resolvedSummary(answer.resolved), { exact: true }).waitFor();
      await resolution.getByText('Sent as a JSON array (8 rows)').waitFor();
      const skippedRows = resolution.getByTestId('skipped-rows');
      await skippedRows.locator('summary').click();
      await expect(
        skippedRows.locator('tbody tr td:nth-child(2)').allTextContents(),
      ).resolves.toEqual(answer.skipped.map((row) => row.path));
      await expect(
        skippedRows.locator('tbody tr td:nth-child(4)').allTextContents(),
      ).resolves.toEqual(answer.skipped.map((row) => row.reason));
      await screenshot(page, 'desktop-try-it-resolved.png');

      // ListenBrainz listens as JSON Lines, chosen as a file: sent as application/x-ndjson.
      const listens = readSharedText('exports/listenbrainz-listens.jsonl');
      const lines = listens.split('\n').filter((line) => line.trim() !== '').length;
      const listened = await http()
        .post('/api/v1/recommendations')
        .set('Content-Type', 'application/x-ndjson')
        .send(listens)
        .expect(200);
      const sent = page.waitForRequest((sentRequest) =>
        sentRequest.url().includes('/api/v1/recommendations?'),
      );
      await page
        .getByLabel('Or choose a file')
        .setInputFiles(sharedDataPath('exports/listenbrainz-listens.jsonl'));
      await page.getByText(/^Read listenbrainz-listens\.jsonl/).waitFor();
      await page.getByRole('button', { name: 'Analyse' }).click();
      expect((await sent).headers()['content-type']).toBe('application/x-ndjson');
      await resolution.getByText(`Sent as JSON Lines (${lines} lines)`).waitFor();
      await summary
        .getByText(resolvedSummary(listened.body.resolved as ResolvedCounts), { exact: true })
        .waitFor();

      // A syntax error is found before anything is sent, and placed by line and column.
      await page.getByTestId('held-history').getByRole('button', { name: 'Clear' }).click();
      const history = page.getByLabel('History as JSON or JSON Lines');
      const asked = watched.requests.length;
      await history.fill('[\n  "3YBZIN3rekqsKxbJc9FZko",\n]');
      await page.getByRole('button', { name: 'Analyse' }).click();
      await page
        .getByRole('alert')
        .getByText(/^Not valid JSON at line 3, column 1: /)
        .waitFor();
      expect(watched.requests.length).toBe(asked);

      // A row the service cannot read: its 400, shown once, names the row by its path.
      await history.fill('["3YBZIN3rekqsKxbJc9FZko", "not a track id"]');
      await page.getByRole('button', { name: 'Analyse' }).click();
      const refused = results.getByTestId('history-refused');
      await refused.getByText('VALIDATION_FAILED', { exact: false }).waitFor();
      await refused.locator('li code').getByText('tracks[1]', { exact: true }).waitFor();

      // Chromium logs each of the three 400s it received.
      expect(watched.consoleErrors).toEqual([
        statusLogged(400),
        statusLogged(400),
        statusLogged(400),
      ]);
      expectOnlyOwnRequests(watched);
    });

    it('is operable by keyboard: arrow keys switch tabs, Tab reaches the controls, focus is visible', async () => {
      const watched = await openDashboard();
      const { page } = watched;
      await page.getByTestId('runs-table').waitFor();
      const focused = () =>
        page.evaluate(() => {
          const element = document.activeElement as HTMLElement;
          return {
            role: element.getAttribute('role'),
            text: element.textContent?.trim(),
            id: element.id,
            outline: getComputedStyle(element).outlineStyle,
          };
        });

      await page.keyboard.press('Tab');
      expect((await focused()).text).toBe('Skip to content');
      for (let presses = 0; presses < 10 && (await focused()).role !== 'tab'; presses++) {
        await page.keyboard.press('Tab');
      }
      expect(await focused()).toMatchObject({ role: 'tab', text: 'Training', outline: 'solid' });

      await page.keyboard.press('ArrowRight');
      expect(await focused()).toMatchObject({ role: 'tab', text: 'Try it', outline: 'solid' });
      await expect(page.locator('#panel-try-it').isVisible()).resolves.toBe(true);
      await expect(page.locator('#panel-training').isVisible()).resolves.toBe(false);

      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ id: 'history-text', outline: 'solid' });
      await page.keyboard.press('Tab');
      expect((await focused()).text).toBe('Load sample history');
      await page.keyboard.press('Enter');
      await expect(
        page.getByLabel('History as JSON or JSON Lines').inputValue(),
      ).resolves.toContain('played_at');
      await page.getByRole('button', { name: 'Analyse' }).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('mood-result').waitFor();

      await page.getByRole('tab', { name: 'Training' }).focus();
      await page.keyboard.press('End');
      expect((await focused()).text).toBe('Catalog');
      expect(watched.consoleErrors).toEqual([]);
    });

    it('the catalog panel shows the counts, genres, coverage and imports, and imports an uploaded CSV only with the admin key', async () => {
      await ensureCatalog();
      const before = (await http().get('/api/v1/catalog').expect(200)).body;
      const watched = await openDashboard(DESKTOP, '#catalog');
      const { page } = watched;
      const posted: { url: string; contentType: string | undefined }[] = [];
      page.on('request', (sent) => {
        if (sent.method() === 'POST' && sent.url().includes('/api/v1/catalog/imports')) {
          posted.push({ url: sent.url(), contentType: sent.headers()['content-type'] });
        }
      });
      const count = (value: number) => value.toLocaleString('en');
      const summary = page.getByTestId('catalog-summary');
      await summary.getByTestId('catalog-tracks').getByText(count(before.tracks)).waitFor();
      await summary.getByTestId('catalog-artists').getByText(count(before.artists)).waitFor();
      await summary.getByTestId('catalog-genres').getByText(count(before.genres.length)).waitFor();
      const genres = page.getByTestId('catalog-top-genres').locator('.bar-list-label');
      await expect(genres.first().textContent()).resolves.toBe(before.genres[0].name);
      const coverage = page.getByTestId('feature-coverage').locator('li');
      await expect(coverage.count()).resolves.toBe(Object.keys(before.feature_coverage).length);
      // TidyTuesday has no time_signature: no track has it.
      expect(before.feature_coverage.time_signature).toBe(0);
      await expect(
        page
          .getByTestId('feature-coverage')
          .locator('li[data-feature=time_signature] .bar-value')
          .textContent(),
      ).resolves.toMatch(/^0\s%$/);
      const lastImport = page.locator(
        `[data-testid=imports-table] tr[data-import-id="${before.last_import.id}"]`,
      );
      await lastImport.getByText('succeeded').waitFor();
      // Every track's mood from the active model, predicted in the background, and said so.
      await testApp.app.get(CatalogMoodScorer).settled();
      const { moods } = (await http().get('/api/v1/catalog').expect(200)).body;
      expect(moods).toMatchObject({ status: 'done', model_id: await activeModelId() });
      await page
        .getByTestId('catalog-moods')
        .getByText(`Every track carries the mood model ${shortId(moods.model_id)} predicts`)
        .waitFor();
      await screenshot(page, 'desktop-catalog.png');

      const rows = 30;
      await page.getByLabel('Catalog file', { exact: true }).setInputFiles({
        name: 'dashboard-upload.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(smallCatalogCsv(rows)),
      });
      await page.getByLabel('Source label').fill('Dashboard upload');
      const importButton = page.getByRole('button', { name: 'Import', exact: true });

      // Asked for the key, the user cancels: nothing is sent.
      await importButton.click();
      await page.getByRole('button', { name: 'Cancel' }).click();
      expect(posted).toEqual([]);

      // A wrong key: refused (401), the catalog unchanged.
      await importButton.click();
      await page.getByLabel('Admin API key').fill('not-the-admin-key-000');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('import-form').getByRole('alert').getByText('UNAUTHORIZED').waitFor();
      expect(posted).toHaveLength(1);
      expect((await http().get('/api/v1/catalog').expect(200)).body.tracks).toBe(before.tracks);

      // The key: the file is streamed with its type, imported, and the page shows the result.
      await importButton.click();
      await page.getByLabel('Admin API key').fill(TEST_ADMIN_KEY);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page
        .getByTestId('import-result')
        .getByText(
          `Imported Dashboard upload: ${rows} tracks added, 0 updated, 0 unchanged; 0 rows skipped.`,
        )
        .waitFor();
      expect(posted).toHaveLength(2);
      expect(posted[1].contentType).toBe('text/csv');
      expect(posted[1].url).toContain('source=Dashboard+upload');
      const [newest] = (await http().get('/api/v1/catalog/imports?limit=1').expect(200)).body
        .imports;
      expect(newest).toMatchObject({
        source: 'Dashboard upload',
        status: 'succeeded',
        tracks_added: rows,
      });
      const row = page.locator(`[data-testid=imports-table] tr[data-import-id="${newest.id}"]`);
      await row.getByText(`${rows} added, 0 updated, 0 unchanged`).waitFor();
      await summary
        .getByTestId('catalog-tracks')
        .getByText(count(before.tracks + rows))
        .waitFor();
      await expect(http().get(`/api/v1/catalog/tracks/${uploadId(0)}`)).resolves.toMatchObject({
        status: 200,
      });

      expect(watched.consoleErrors).toEqual([statusLogged(401)]);
      expectOnlyOwnRequests(watched);
    });

    it("shows a running import's live progress (whoever started it), then its result", async () => {
      await ensureCatalog();
      const watched = await openDashboard(DESKTOP, '#catalog');
      const { page } = watched;
      await page.getByTestId('imports-table').waitFor();
      const [header, ...lines] = smallCatalogCsv(200, 100_000).trimEnd().split('\n');
      // An upload from another client that sends half of its file, then waits.
      const upload = httpRequest(`${origin}/api/v1/catalog/imports?source=Slow+upload`, {
        method: 'POST',
        headers: { 'X-API-Key': TEST_ADMIN_KEY, 'Content-Type': 'text/csv' },
      });
      const answered = new Promise<{ status: number; body: string }>((done, fail) => {
        upload.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => done({ status: response.statusCode ?? 0, body: text }));
        });
        upload.on('error', fail);
      });
      const firstHalf = `${[header, ...lines.slice(0, 100)].join('\n')}\n`;
      upload.write(firstHalf);
      // What the page writes once every byte sent so far has arrived (rows are counted per staged
      // batch of 2,000, so none yet).
      const kilobytes = (Buffer.byteLength(firstHalf) / 1024).toFixed(1).replace('.', '\\.');

      const row = page.locator('[data-testid=imports-table] tr', { hasText: 'Slow upload' });
      await row.locator('.badge').getByText('running').waitFor();
      await row
        .getByTestId('import-progress')
        .getByText(new RegExp(`reading: ${kilobytes}\\sKB read, 0 rows staged`))
        .waitFor();
      await screenshot(page, 'desktop-catalog-importing.png');

      upload.end(`${lines.slice(100).join('\n')}\n`);
      const { status, body } = await answered;
      expect(status).toBe(201);
      const imported = JSON.parse(body) as { id: string; tracks_added: number };
      expect(imported.tracks_added).toBe(200);
      await row.locator('.badge').getByText('succeeded').waitFor();
      await row.getByText('200 added, 0 updated, 0 unchanged').waitFor();
      await expect(row.getAttribute('data-import-id')).resolves.toBe(imported.id);
      expect(watched.consoleErrors).toEqual([]);
      expectOnlyOwnRequests(watched);
    });

    it('fits a 390-px-wide phone without horizontal scrolling, on every panel', async () => {
      await ensureCatalog();
      const watched = await openDashboard(PHONE);
      const { page } = watched;
      const overflow = () =>
        page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

      await page.getByTestId('run-details').getByTestId('confusion-matrix').waitFor();
      await page.getByTestId('learning-curves').locator('canvas').first().waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-training.png');

      await page.getByRole('tab', { name: 'Try it' }).click();
      await page.getByRole('button', { name: 'Load sample history' }).click();
      await page.getByRole('button', { name: 'Analyse' }).click();
      await page.getByTestId('trend-charts').locator('canvas').first().waitFor();
      await page.getByTestId('recommended-songs').locator('li.song').first().waitFor();
      await page.getByTestId('recommended-songs').locator('summary').first().click();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-try-it.png');

      await page.getByRole('tab', { name: 'Catalog' }).click();
      await page.getByTestId('feature-coverage').locator('li').first().waitFor();
      await page.getByTestId('imports-table').waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-catalog.png');
      expect(watched.consoleErrors).toEqual([]);
    });
  });
}
