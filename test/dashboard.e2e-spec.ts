// The callbacks given to page.evaluate run in the browser, with its types.
/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { get } from 'node:http';
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
import { readSharedJson, sharedDataPath } from './helpers/shared-data';
import { toPandasColumns } from './helpers/pandas-columns';

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
const DASHBOARD_TRAINING = {
  ...SMALL_MOOD_TRAINING,
  MOOD_MAX_EPOCHS: String(DASHBOARD_EPOCHS),
  MOOD_PATIENCE: String(DASHBOARD_EPOCHS),
};
const ADMIN = { 'X-API-Key': TEST_ADMIN_KEY };
const shortId = (id: string) => id.split('-')[0];
const trendyHistory = readSharedJson<unknown[]>('trendy_metrics.json');

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
      testApp = await createTestApp(DASHBOARD_TRAINING);
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

    it("shows a run's per-mood precision and recall and its confusion matrix as a heat map", async () => {
      const [run] = (await http().get('/api/v1/mood/runs?limit=1').expect(200)).body.runs;
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
    });

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

    it("try it answers for the shared trendy sample: each feature's trend with its forecast interval, and the mood", async () => {
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
        .getByLabel('Or read a JSON file')
        .setInputFiles(sharedDataPath('trendy_metrics.json'));
      // The page reads the file asynchronously; it says so when it has.
      await page.getByText(/^Read trendy_metrics\.json/).waitFor();
      await expect(page.getByLabel('Tracks as JSON').inputValue()).resolves.toContain('played_at');
      await page.getByRole('button', { name: 'Analyse' }).click();
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
      await screenshot(page, 'desktop-try-it.png');

      // The same history as pandas columns, pasted.
      await page
        .getByLabel('Tracks as JSON')
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
      await expect(page.getByLabel('Tracks as JSON').inputValue()).resolves.toContain('played_at');
      await page.getByRole('button', { name: 'Analyse' }).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('mood-result').waitFor();

      await page.getByRole('tab', { name: 'Training' }).focus();
      await page.keyboard.press('End');
      expect((await focused()).text).toBe('Try it');
      expect(watched.consoleErrors).toEqual([]);
    });

    it('fits a 390-px-wide phone without horizontal scrolling, on both panels', async () => {
      const watched = await openDashboard(PHONE);
      const { page } = watched;
      const overflow = () =>
        page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

      await page.getByTestId('run-details').getByTestId('confusion-matrix').waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-training.png');

      await page.getByRole('tab', { name: 'Try it' }).click();
      await page.getByRole('button', { name: 'Load sample history' }).click();
      await page.getByRole('button', { name: 'Analyse' }).click();
      await page.getByTestId('trend-charts').locator('canvas').first().waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await screenshot(page, 'phone-try-it.png');
      expect(watched.consoleErrors).toEqual([]);
    });
  });
}
