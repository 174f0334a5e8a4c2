import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MoodTrainer } from '../src/mood/mood-trainer';
import { TrainingRun } from '../src/mood/training-run.entity';
import {
  createTestApp,
  expectErrorBody,
  sameStoreAs,
  SMALL_MOOD_TRAINING,
  TEST_ADMIN_KEY,
  TestApp,
  useTestApp,
} from './helpers/create-test-app';
import { ADMIN, finished, moodDataset, pollRun, smallDataset } from './helpers/mood-data';
import { readSharedText } from './helpers/shared-data';
import { postRoutes } from './helpers/openapi';

/**
 * Adversarial end-to-end checks: races between admin calls, a training worker that dies, a process
 * killed mid-training, bad training data, missing or wrong admin keys, and bodies over the limit.
 * Each one checks that the active model and its answers survive.
 */

type Body = Record<string, unknown>;
type Http = () => ReturnType<typeof request>;

const DATASET_TEXT = readSharedText('playlist_metrics.json');
const dataset = moodDataset;
const SMALL_TRAINING = SMALL_MOOD_TRAINING;
/** Tracks a listener played (one playlist), for predict_mood. */
const listening = dataset.filter((row) => row.playlist === '37i9dQZF1DXcjpPPxCzYRE').slice(0, 10);

/** The state admin calls must not change unless they are allowed: run count and active model. */
async function snapshot(http: Http) {
  const runs = await http().get('/api/v1/mood/runs?limit=100').expect(200);
  const model = await http().get('/api/v1/mood/model').expect(200);
  const prediction = await http().post('/api/v1/predict_mood').send(listening).expect(200);
  return {
    runs: runs.body.total as number,
    model: model.body.id as string,
    prediction: prediction.body,
  };
}

describe('two retrains at once', () => {
  const { http } = useTestApp(SMALL_TRAINING);

  it.each([
    [
      'two retrain_mood calls',
      () => http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset()),
      () => http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset()),
    ],
    [
      'retrain_mood and default_train_mood',
      () => http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset()),
      () => http().get('/api/v1/default_train_mood').set(ADMIN),
    ],
    [
      'two default_train_mood calls',
      () => http().get('/api/v1/default_train_mood').set(ADMIN),
      () => http().get('/api/v1/default_train_mood').set(ADMIN),
    ],
  ])('%s: exactly one 409 naming the running run, the other trains', async (_name, a, b) => {
    const runsBefore = (await http().get('/api/v1/mood/runs').expect(200)).body.total as number;
    const answers = await Promise.all([a(), b()]);

    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = answers.find((answer) => answer.status === 200)!;
    const loser = answers.find((answer) => answer.status === 409)!;
    expect(winner.body.status).toBe('succeeded');
    expectErrorBody(loser.body, 409, 'TRAINING_IN_PROGRESS');
    expect(loser.body.details.run_id).toBe(winner.body.id);
    expect(loser.body.message).toContain(winner.body.id);

    // Only the winner is recorded, and its model is the active one.
    const runs = await http().get('/api/v1/mood/runs?limit=100').expect(200);
    expect(runs.body.total).toBe(runsBefore + 1);
    expect((await http().get('/api/v1/mood/model').expect(200)).body.id).toBe(winner.body.model_id);

    // The lock is released: the next retrain is accepted.
    const next = await http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset());
    expect(next.status).toBe(200);
    expect(next.body.status).toBe('succeeded');
  });
});

describe('a training worker that dies mid-run', () => {
  // Fifty epochs without early stopping: the default dataset is still training when it is killed.
  const { http, testApp } = useTestApp({
    ...SMALL_TRAINING,
    MOOD_MAX_EPOCHS: '50',
    MOOD_PATIENCE: '50',
  });
  let before: Awaited<ReturnType<typeof snapshot>>;
  let killed: Body;

  beforeAll(async () => {
    await http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset()).expect(200);
    before = await snapshot(http);

    const started = await http()
      .get('/api/v1/default_train_mood')
      .set(ADMIN)
      .set('Prefer', 'respond-async')
      .expect(202);
    // Mid-run: the worker has reported at least one epoch.
    await pollRun(http, started.body.id, (run) => run.progress !== null || finished(run));
    await testApp().app.get(MoodTrainer).stopAll();
    killed = await pollRun(http, started.body.id, finished);
  });

  it('marks the run failed with the cause, mid-way through its epochs', () => {
    expect(killed).toEqual(
      expect.objectContaining({
        status: 'failed',
        error: expect.stringMatching(/worker stopped/i),
        model_id: null,
        finished_at: expect.any(String),
      }),
    );
    const progress = killed.progress as { epoch: number; max_epochs: number };
    expect(progress.epoch).toBeGreaterThanOrEqual(1);
    expect(progress.epoch).toBeLessThan(progress.max_epochs);
  });

  it('leaves no model files behind for the killed run', () => {
    const models = join(testApp().dataDir, 'models');
    expect(existsSync(join(models, killed.id as string))).toBe(false);
    expect(readdirSync(models).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });

  it('keeps serving: /health 200 with no training, the previous model answers the same', async () => {
    const health = await http().get('/health').expect(200);
    expect(health.body.details.mood).toEqual(
      expect.objectContaining({ model_id: before.model, training_run_id: null }),
    );
    const now = await snapshot(http);
    expect(now.model).toBe(before.model);
    expect(now.prediction).toEqual(before.prediction);
    expect(now.runs).toBe(before.runs + 1);
  });

  it('releases the lock: a new training succeeds and becomes active', async () => {
    const next = await http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset());
    expect(next.status).toBe(200);
    expect(next.body.status).toBe('succeeded');
    expect((await http().get('/api/v1/mood/model').expect(200)).body.id).toBe(next.body.model_id);
  });
});

describe('restart after the process was killed mid-training', () => {
  let first: TestApp;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await first?.close();
  });

  it('marks the run left running as failed on the next start; the previous model stays active', async () => {
    first = await createTestApp(SMALL_TRAINING);
    const firstHttp = () => request(first.app.getHttpServer());
    await firstHttp().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset()).expect(200);
    const before = await snapshot(firstHttp);

    // The real service in its own process, on the same data folder and database, training the
    // default dataset for thousands of epochs; SIGKILL it once an epoch has run.
    const service = await startService({
      ...SMALL_TRAINING,
      ...sameStoreAs(first),
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      MOOD_MAX_EPOCHS: '5000',
      MOOD_PATIENCE: '1000',
    });
    child = service.process;
    const serviceHttp = () => request(service.url);
    const started = await serviceHttp()
      .get('/api/v1/default_train_mood')
      .set(ADMIN)
      .set('Prefer', 'respond-async')
      .expect(202);
    await pollRun(serviceHttp, started.body.id, (run) => run.progress !== null);
    await new Promise<void>((done) => {
      service.process.once('exit', () => done());
      service.process.kill('SIGKILL');
    });
    child = undefined;
    const left = await first.app
      .get(DataSource)
      .getRepository(TrainingRun)
      .findOneByOrFail({ id: started.body.id });
    expect(left.status).toBe('running');

    const second = await createTestApp({
      ...SMALL_TRAINING,
      ...sameStoreAs(first),
    });
    try {
      const http = () => request(second.app.getHttpServer());
      const run = await http().get(`/api/v1/mood/runs/${started.body.id}`).expect(200);
      expect(run.body).toEqual(
        expect.objectContaining({
          status: 'failed',
          error: expect.stringMatching(/Interrupted/),
          finished_at: expect.any(String),
        }),
      );
      const after = await snapshot(http);
      expect(after.model).toBe(before.model);
      expect(after.prediction).toEqual(before.prediction);
      // A new training is accepted: nothing is left holding the lock.
      const next = await http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset());
      expect(next.status).toBe(200);
      expect(next.body.status).toBe('succeeded');
    } finally {
      await second.close();
    }
  });
});

describe('retrains with bad data', () => {
  const { http } = useTestApp(SMALL_TRAINING);

  beforeAll(async () => {
    await http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset()).expect(200);
  });

  const withRow = (index: number, change: Body): Body[] => {
    const rows = smallDataset();
    rows[index] = { ...rows[index], ...change };
    return rows;
  };
  const withoutTags = (rows: Body[]): Body[] =>
    rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'tag')));

  it.each<[string, string, unknown]>([
    ['a feature as text', 'tracks[3].energy', withRow(3, { energy: 'high' })],
    ['a feature as an array', 'tracks[5].tempo', withRow(5, { tempo: [120] })],
    [
      'a feature as an object',
      'tracks[7].danceability',
      withRow(7, { danceability: { value: 0.5 } }),
    ],
    ['a feature as a boolean', 'tracks[9].mode', withRow(9, { mode: true })],
    ['a tag as a number', 'tracks[11].tag', withRow(11, { tag: 3 })],
    ['a tag as an object', 'tracks[13].tag', withRow(13, { tag: { mood: 'Calm' } })],
    ['a row as a string', 'tracks[120]', [...smallDataset(), 'Calm']],
    ['a row as null', 'tracks[0]', [null, ...smallDataset()]],
    ['tracks as a string', 'tracks', { tracks: 'Calm' }],
    // Top-level JSON scalars are refused by the strict JSON parser, before validation.
    ['a number as the body', 'INVALID_JSON', 42],
    ['a string as the body', 'INVALID_JSON', 'tracks'],
    ['one mood only', 'tracks', dataset.filter((row) => row.tag === 'Sad')],
    ['an empty list', 'tracks', []],
    ['an empty tracks list', 'tracks', { tracks: [] }],
    ['an empty object', 'body', {}],
    ['rows without tags', 'tracks', withoutTags(smallDataset())],
    ['rows with empty tags', 'tracks', smallDataset().map((row) => ({ ...row, tag: '' }))],
    ['rows with null tags', 'tracks', smallDataset().map((row) => ({ ...row, tag: null }))],
  ])('%s: 400 (%s), and the active model answers as before', async (_name, named, body) => {
    const before = await snapshot(http);
    const response = await http()
      .post('/api/v1/retrain_mood')
      .set(ADMIN)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));
    expect(response.status).toBe(400);
    if (named === 'INVALID_JSON') {
      expectErrorBody(response.body, 400, 'INVALID_JSON');
    } else {
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details.map((detail: { path: string }) => detail.path)).toContain(named);
    }
    expect(await snapshot(http)).toEqual(before);
  });
});

describe('admin calls without the right key', () => {
  // These tests are about what each wrong key gets, many times over from one client; the lockout
  // after repeated failures is tested on its own below.
  const { http } = useTestApp({ ...SMALL_TRAINING, ADMIN_KEY_MAX_FAILURES: '1000' });
  let older: Body;

  beforeAll(async () => {
    older = (await http().get('/api/v1/default_train_mood').set(ADMIN).expect(200)).body;
    await http().post('/api/v1/retrain_mood').set(ADMIN).send(smallDataset()).expect(200);
  });

  const keys: Array<[string, Record<string, string | string[]>]> = [
    ['no key', {}],
    ['an empty key', { 'X-API-Key': '' }],
    ['a wrong key', { 'X-API-Key': 'wrong-key-0123456789' }],
    ['the key in another case', { 'X-API-Key': TEST_ADMIN_KEY.toUpperCase() }],
    // (Not "the key with a trailing space": HTTP strips a header value's surrounding whitespace.)
    ['the key with one character more', { 'X-API-Key': `${TEST_ADMIN_KEY}x` }],
    ['a prefix of the key', { 'X-API-Key': TEST_ADMIN_KEY.slice(0, -1) }],
    ['the key twice', { 'X-API-Key': [TEST_ADMIN_KEY, TEST_ADMIN_KEY] }],
    ['the key as a bearer token', { Authorization: `Bearer ${TEST_ADMIN_KEY}` }],
  ];
  const routes = () =>
    [
      ['POST /api/v1/retrain_mood', () => http().post('/api/v1/retrain_mood').send(smallDataset())],
      ['GET /api/v1/default_train_mood', () => http().get('/api/v1/default_train_mood')],
      [
        'POST /api/v1/mood/models/{older}/activate',
        () => http().post(`/api/v1/mood/models/${String(older.model_id)}/activate`),
      ],
    ] as const;

  it.each(keys)('%s: 401 on every admin route, and nothing changes', async (_name, headers) => {
    const before = await snapshot(http);
    // The older model is not the active one, so an activation that got through would show.
    expect(before.model).not.toBe(older.model_id);
    for (const [route, call] of routes()) {
      let pending = call();
      // An array sends the header once per value (superagent's types only admit that for Cookie).
      for (const [name, value] of Object.entries(headers))
        pending = pending.set(name, value as string);
      const response = await pending;
      expect({ route, status: response.status }).toEqual({ route, status: 401 });
      expectErrorBody(response.body, 401, 'UNAUTHORIZED');
    }
    expect(await snapshot(http)).toEqual(before);
  });

  it('a key in the query string is not accepted either', async () => {
    const before = await snapshot(http);
    const response = await http()
      .get(`/api/v1/default_train_mood?api_key=${TEST_ADMIN_KEY}&X-API-Key=${TEST_ADMIN_KEY}`)
      .expect(401);
    expectErrorBody(response.body, 401, 'UNAUTHORIZED');
    expect(await snapshot(http)).toEqual(before);
  });

  it('the right key still works on the same routes (the 401s were the key, not the route)', async () => {
    const response = await http()
      .post(`/api/v1/mood/models/${String(older.model_id)}/activate`)
      .set(ADMIN)
      .expect(200);
    expect(response.body.id).toBe(older.model_id);
  });
});

describe('repeated failed admin-key attempts from one client', () => {
  const { http } = useTestApp({ ...SMALL_TRAINING, ADMIN_KEY_MAX_FAILURES: '3' });

  it('are refused with 429 and Retry-After once over the limit, the right key included, and nothing runs', async () => {
    const wrong = { 'X-API-Key': 'wrong-key-0123456789' };
    for (let attempt = 0; attempt < 3; attempt++) {
      await http().get('/api/v1/default_train_mood').set(wrong).expect(401);
    }
    const locked = await http().get('/api/v1/default_train_mood').set(wrong).expect(429);
    expectErrorBody(locked.body, 429, 'TOO_MANY_REQUESTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);

    // A right guess now looks like any other: the lockout says nothing about the key.
    const right = await http().get('/api/v1/default_train_mood').set(ADMIN).expect(429);
    expectErrorBody(right.body, 429, 'TOO_MANY_REQUESTS');
    expect((await http().get('/api/v1/mood/runs').expect(200)).body.total).toBe(0);
    // Calls that need no key are not limited.
    await http().get('/health').expect(200);
  });
});

describe('bodies over BODY_LIMIT', () => {
  const { http } = useTestApp({ ...SMALL_TRAINING, BODY_LIMIT: '1mb' });
  let jsonRoutes: string[] = [];

  beforeAll(async () => {
    const { body: document } = await http().get('/docs-json').expect(200);
    // The catalog import streams its file past BODY_LIMIT by design; its own limit is tested with it.
    jsonRoutes = postRoutes(document, 'json').map((path) => path.replace('{id}', 'some-model-id'));
  });

  it('finds every POST route that reads JSON, the admin ones included', () => {
    expect(jsonRoutes).toEqual(
      expect.arrayContaining([
        '/api/v1/favourite_artists',
        '/api/v1/similarity',
        '/api/v1/predict_mood',
        '/api/v1/retrain_mood',
        '/api/v1/mood/models/some-model-id/activate',
      ]),
    );
  });

  it('answers 413 PAYLOAD_TOO_LARGE in the error body on every POST route, with or without the key', async () => {
    expect(Buffer.byteLength(DATASET_TEXT)).toBeGreaterThan(1024 * 1024);
    for (const route of jsonRoutes) {
      for (const headers of [{}, ADMIN]) {
        const response = await http()
          .post(route)
          .set(headers)
          .set('Content-Type', 'application/json')
          .send(DATASET_TEXT);
        expect({ route, status: response.status }).toEqual({ route, status: 413 });
        expectErrorBody(response.body, 413, 'PAYLOAD_TOO_LARGE');
        expect(response.body.message).toMatch(/BODY_LIMIT/);
      }
    }
  });

  it('counts the limit after decompression: a small gzip body that inflates past it is 413', async () => {
    const compressed = gzipSync(DATASET_TEXT);
    expect(compressed.length).toBeLessThan(1024 * 1024);
    for (const route of jsonRoutes) {
      // Any Content-Type is read as JSON; octet-stream keeps superagent from JSON-encoding the Buffer.
      const response = await http()
        .post(route)
        .set(ADMIN)
        .set('Content-Type', 'application/octet-stream')
        .set('Content-Encoding', 'gzip')
        .send(compressed);
      expect({ route, status: response.status }).toEqual({ route, status: 413 });
      expectErrorBody(response.body, 413, 'PAYLOAD_TOO_LARGE');
    }
  });

  it('answers a body that does not decompress with 400 in the error body, not 500', async () => {
    for (const route of jsonRoutes) {
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const response = await http()
          .post(route)
          .set(ADMIN)
          .set('Content-Type', 'application/octet-stream')
          .set('Content-Encoding', encoding)
          .send(Buffer.from(JSON.stringify(smallDataset())));
        expect({ route, encoding, status: response.status }).toEqual({
          route,
          encoding,
          status: 400,
        });
        expectErrorBody(response.body, 400, 'INVALID_CONTENT_ENCODING');
      }
    }
  });

  it('starts nothing and keeps serving', async () => {
    expect((await http().get('/api/v1/mood/runs').expect(200)).body.total).toBe(0);
    await http().get('/health').expect(200);
    await http().post('/api/v1/similarity').send({ tracks: [] }).expect(400);
  });
});

describe('the default BODY_LIMIT', () => {
  const { http } = useTestApp(SMALL_TRAINING);

  it('admits the whole default dataset posted to retrain_mood, and trains on every row', async () => {
    const started = await http()
      .post('/api/v1/retrain_mood')
      .set(ADMIN)
      .set('Prefer', 'respond-async')
      .set('Content-Type', 'application/json')
      .send(DATASET_TEXT);
    expect(started.status).toBe(202);
    const run = await pollRun(http, started.body.id, finished);
    expect(run.status).toBe('succeeded');
    expect(run.dataset).toEqual(
      expect.objectContaining({ source: 'request', rows_used: 2402, rows_skipped: 1 }),
    );
  });
});

/** Starts src/main.ts in a child process (ts-node, as the worker runs under jest) on a free port. */
async function startService(
  env: Record<string, string>,
): Promise<{ process: ChildProcess; url: string }> {
  const root = resolve(__dirname, '..');
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        CATALOG_STARTER_URL: '',
        ...env,
        PORT: '0',
        LOG_LEVEL: 'log',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolveStart, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /Serving on http:\/\/\S+:(\d+)/.exec(output)?.[1];
      if (port) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolveStart({ process: child, url: `http://127.0.0.1:${port}` });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`The service exited (${code}) before serving:\n${output}`)),
    );
  });
}
