import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { toPandasColumns } from './helpers/pandas-columns';
import { DataSource } from 'typeorm';
import type { MoodMetrics } from '../src/mood/model/training-report';
import { TrainingRun } from '../src/mood/training-run.entity';
import { AUDIO_FEATURES } from '../src/common/tracks';
import {
  createTestApp,
  expectErrorBody,
  sameStoreAs,
  SMALL_MOOD_TRAINING,
  type TestApp,
  useTestApp,
} from './helpers/create-test-app';
import { ADMIN, moodDataset, pollRun, smallDataset } from './helpers/mood-data';

const dataset = moodDataset;
const MOODS = ['Calm', 'Dream', 'Energy', 'Epic', 'Happy', 'Hate', 'Love', 'Sad'];
const SMALL_TRAINING = SMALL_MOOD_TRAINING;
const tracksOf = (playlist: string, count: number) =>
  dataset.filter((row) => row.playlist === playlist && row.id).slice(0, count);

describe('mood without a model', () => {
  const { http } = useTestApp({
    ...SMALL_TRAINING,
    MOOD_TRAIN_ON_START: 'true',
    MOOD_DATASET_PATH: join(__dirname, 'no-such-dataset.json'),
  });

  it('answers predict_mood with 503 MODEL_NOT_READY and a hint, and does not train without the dataset on disk', async () => {
    const response = await http()
      .post('/api/v1/predict_mood')
      .send(tracksOf('37i9dQZF1DXcjpPPxCzYRE', 10))
      .expect(503);
    expectErrorBody(response.body, 503, 'MODEL_NOT_READY');
    expect(response.body.message).toMatch(/default_train_mood/);
    const runs = await http().get('/api/v1/mood/runs').expect(200);
    expect(runs.body.total).toBe(0);
  });

  it('answers GET /mood/model with 404 NO_ACTIVE_MODEL', async () => {
    const response = await http().get('/api/v1/mood/model').expect(404);
    expectErrorBody(response.body, 404, 'NO_ACTIVE_MODEL');
  });

  it('reports the backend and no model in /health', async () => {
    const response = await http().get('/health').expect(200);
    expect(response.body.details.mood).toEqual(
      expect.objectContaining({ status: 'up', backend: expect.any(String), model_id: null }),
    );
  });

  it('answers default_train_mood with 503 when the dataset is absent and downloading is off', async () => {
    const response = await http().get('/api/v1/default_train_mood').set(ADMIN).expect(503);
    expectErrorBody(response.body, 503, 'DATASET_UNAVAILABLE');
  });
});

describe('mood lifecycle', () => {
  const { http, testApp } = useTestApp(SMALL_TRAINING);
  let firstRun: Record<string, unknown>;

  beforeAll(async () => {
    firstRun = (await http().get('/api/v1/default_train_mood').set(ADMIN).expect(200)).body;
  });

  describe('admin calls need X-API-Key', () => {
    it.each([
      ['get', '/api/v1/default_train_mood'],
      ['post', '/api/v1/retrain_mood'],
      ['post', '/api/v1/mood/models/any/activate'],
    ] as const)('%s %s without a key is 401', async (method, url) => {
      const response = await http()[method](url).send(smallDataset()).expect(401);
      expectErrorBody(response.body, 401, 'UNAUTHORIZED');
    });

    it('a wrong key is 401 too', async () => {
      const response = await http()
        .get('/api/v1/default_train_mood')
        .set('X-API-Key', 'wrong-key-0123456789')
        .expect(401);
      expectErrorBody(response.body, 401, 'UNAUTHORIZED');
    });
  });

  it('default_train_mood waits for the run and answers its summary with metrics cross-validated by playlist', () => {
    expect(firstRun).toEqual(
      expect.objectContaining({
        status: 'succeeded',
        accuracy: expect.any(Number),
        macro_f1: expect.any(Number),
        model_id: expect.any(String),
        duration_ms: expect.any(Number),
        dataset: {
          source: 'default',
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          rows_used: 2402,
          rows_skipped: 1,
        },
      }),
    );
    const metrics = firstRun.metrics as MoodMetrics;
    expect(metrics.evaluation).toBe('held_out_playlists');
    // Five folds of whole playlists: each of the 27 is scored by a model that never saw it, and
    // every usable row is scored once.
    expect(metrics.cross_validation).toEqual(
      expect.objectContaining({ folds: 5, grouping: 'playlist', groups: 27 }),
    );
    expect(metrics.cross_validation.per_fold).toHaveLength(5);
    expect(metrics.cross_validation.pooled.tracks).toBe(2402);
    expect(metrics.cross_validation.pooled.confusion_matrix.labels).toEqual(MOODS);
    // The deployed model was fitted on every usable row, not on the folds' training sides.
    expect(metrics.model.training_rows).toBe(2402);
  });

  it('writes the model as model.json + weights.bin under data/models/<run id>/', () => {
    const folder = join(testApp().dataDir, 'models', firstRun.id as string);
    expect(existsSync(join(folder, 'model.json'))).toBe(true);
    expect(existsSync(join(folder, 'weights.bin'))).toBe(true);
    const modelJson = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['./weights.bin']);
    const metadata = modelJson.userDefinedMetadata;
    expect(metadata.labels).toEqual(MOODS);
    // The inputs the run chose, each with its training mean and deviation.
    expect(metadata.inputs).toEqual((firstRun.metrics as MoodMetrics).model.inputs);
    expect(metadata.scaling.mean).toHaveLength(metadata.inputs.length);
    expect(metadata.scaling.std).toHaveLength(metadata.inputs.length);
  });

  it('predicts a listener mood with per-track predictions, skipping empty rows', async () => {
    const tracks = [
      ...tracksOf('37i9dQZF1DXcjpPPxCzYRE', 10),
      { id: '', danceability: '', energy: '' },
    ];
    const response = await http().post('/api/v1/predict_mood').send({ tracks }).expect(200);
    const body = response.body;
    expect(Object.keys(body.probabilities)).toHaveLength(8);
    expect(body.mood).toBe(
      Object.entries(body.probabilities as Record<string, number>).sort(
        (a, b) => b[1] - a[1],
      )[0][0],
    );
    expect(body.confidence).toBe(body.probabilities[body.mood]);
    const sum = Object.values(body.probabilities as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    expect(sum).toBeCloseTo(1, 2);
    // The other seven moods, most likely first, with the listener's probabilities.
    expect(body.alternatives).toHaveLength(7);
    expect(body.alternatives.map((a: { mood: string }) => a.mood)).not.toContain(body.mood);
    for (const { mood, probability } of body.alternatives) {
      expect(probability).toBe(body.probabilities[mood]);
      expect(probability).toBeLessThanOrEqual(body.confidence);
    }
    const ranked = body.alternatives.map((a: { probability: number }) => a.probability);
    expect(ranked).toEqual([...ranked].sort((a, b) => b - a));
    expect(body.tracks).toHaveLength(10);
    expect(body.tracks[0]).toEqual({
      id: tracks[0].id,
      row: 0,
      resolved_by: 'features',
      mood: expect.any(String),
      probabilities: expect.any(Object),
      filled_features: [],
    });
    expect(body.skipped).toEqual([expect.objectContaining({ row: 10 })]);
    expect(body.model).toEqual(
      expect.objectContaining({ id: firstRun.model_id, trained_at: expect.any(String) }),
    );
  });

  it("pools the tracks with the model's calibration, not a plain geometric mean", async () => {
    const tracks = tracksOf('37i9dQZF1DXcjpPPxCzYRE', 10);
    const { body } = await http().post('/api/v1/predict_mood').send(tracks).expect(200);
    const model = (await http().get('/api/v1/mood/model').expect(200)).body;
    expect(model.aggregation).toBe('calibrated_log_pool');
    const { correlation, shrinkage } = model.metrics.model.set_calibration;
    // combineListener from the outside: n tracks count as n / (1 + (n − 1)ρ), then a share
    // ε(n − 1)/n is spread evenly; from the per-track probabilities the answer shows.
    const n = tracks.length;
    const weight = 1 / (1 + (n - 1) * correlation);
    const perTrack = body.tracks as { probabilities: Record<string, number> }[];
    const logits = MOODS.map((mood) =>
      perTrack.reduce(
        (sum, t) => sum + weight * Math.log(Math.max(t.probabilities[mood], 1e-7)),
        0,
      ),
    );
    const top = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - top));
    const total = exps.reduce((a, b) => a + b, 0);
    const spread = (shrinkage * (n - 1)) / n;
    MOODS.forEach((mood, j) =>
      expect(body.probabilities[mood]).toBeCloseTo(
        (1 - spread) * (exps[j] / total) + spread / 8,
        2,
      ),
    );
  });

  it('fills a feature the model reads that a track lacks with the training mean, and names it', async () => {
    const model = (await http().get('/api/v1/mood/model').expect(200)).body;
    const [read] = model.features as string[];
    const left = ['key', 'time_signature', read];
    const tracks = tracksOf('37i9dQZF1DXcjpPPxCzYRE', 3).map((track, i) =>
      i === 1
        ? Object.fromEntries(Object.entries(track).filter(([name]) => !left.includes(name)))
        : track,
    );
    const { body } = await http().post('/api/v1/predict_mood').send(tracks).expect(200);
    const expected = left.filter((f) => model.features.includes(f));
    expect(body.tracks.map((t: { filled_features: string[] }) => t.filled_features)).toEqual([
      [],
      AUDIO_FEATURES.filter((f) => expected.includes(f)),
      [],
    ]);
  });

  it('accepts the pandas column-oriented shape with the same answer', async () => {
    const tracks = tracksOf('37i9dQZF1DX3YSRoSdA634', 3);
    const columns = toPandasColumns(tracks);
    const [asArray, asColumns] = await Promise.all([
      http().post('/api/v1/predict_mood').send(tracks).expect(200),
      http().post('/api/v1/predict_mood').send(columns).expect(200),
    ]);
    expect(asColumns.body.probabilities).toEqual(asArray.body.probabilities);
  });

  it('rejects a bad feature naming it by path', async () => {
    const tracks = tracksOf('37i9dQZF1DXcjpPPxCzYRE', 2);
    tracks[1] = { ...tracks[1], energy: 2 };
    const response = await http().post('/api/v1/predict_mood').send(tracks).expect(400);
    expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
    expect(response.body.details[0].path).toBe('tracks[1].energy');
  });

  it('GET /mood/model describes the active model, its aggregation read from its metadata', async () => {
    const response = await http().get('/api/v1/mood/model').expect(200);
    expect(response.body).toEqual(
      expect.objectContaining({
        id: firstRun.model_id,
        run_id: firstRun.id,
        aggregation: 'calibrated_log_pool',
        active: true,
        labels: MOODS,
        features: expect.arrayContaining(['valence', 'energy']),
      }),
    );
  });

  it("GET /mood/runs/{id} keeps the run's per-epoch history; the list leaves it out", async () => {
    const { body: run } = await http()
      .get(`/api/v1/mood/runs/${String(firstRun.id)}`)
      .expect(200);
    const metrics = run.metrics as MoodMetrics;
    const curves = run.history.cross_validation as Record<string, unknown[]>;
    expect(Object.keys(curves).sort()).toEqual(metrics.model.candidates.map((c) => c.name).sort());
    for (const epochs of Object.values(curves)) {
      expect(epochs[0]).toEqual({
        epoch: 1,
        loss: expect.any(Number),
        accuracy: expect.any(Number),
        val_loss: expect.any(Number),
        val_accuracy: expect.any(Number),
      });
    }
    expect(run.history.final_fit).toHaveLength(run.epochs_run);
    const list = await http().get('/api/v1/mood/runs').expect(200);
    expect(list.body.runs[0]).not.toHaveProperty('history');
  });

  describe('bad datasets are 400 and leave the active model unchanged', () => {
    const expectActive = async (id: unknown) =>
      expect((await http().get('/api/v1/mood/model').expect(200)).body.id).toBe(id);

    it('a bad field', async () => {
      const body = smallDataset();
      body[3] = { ...body[3], valence: -1 };
      const response = await http().post('/api/v1/retrain_mood').set(ADMIN).send(body).expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details[0].path).toBe('tracks[3].valence');
      await expectActive(firstRun.model_id);
    });

    it('fewer than two moods', async () => {
      const body = dataset.filter((row) => row.tag === 'Calm' && row.id).slice(0, 30);
      const response = await http().post('/api/v1/retrain_mood').set(ADMIN).send(body).expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details[0]).toEqual({
        path: 'tracks',
        message: expect.stringMatching(/at least two moods/),
      });
      await expectActive(firstRun.model_id);
    });

    it('too few rows of a mood to hold out a test split', async () => {
      const body = [...smallDataset(), ...dataset.filter((r) => r.tag === 'Hate').slice(0, 2)];
      const response = await http().post('/api/v1/retrain_mood').set(ADMIN).send(body).expect(400);
      expect(response.body.details[0].message).toMatch(/"Hate" has 2/);
      await expectActive(firstRun.model_id);
    });

    it('playlists that would leave a cross-validation fold a single mood', async () => {
      // Two moods, one playlist each: whichever a fold holds out, it trains on the other alone.
      const body = ['Calm', 'Sad'].flatMap((mood) =>
        dataset.filter((row) => row.tag === mood && row.id).slice(0, 20),
      );
      const response = await http().post('/api/v1/retrain_mood').set(ADMIN).send(body).expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([
        { path: 'tracks', message: expect.stringMatching(/would train on a single mood/) },
      ]);
      await expectActive(firstRun.model_id);
    });

    it('no run is recorded for them', async () => {
      const response = await http().get('/api/v1/mood/runs').expect(200);
      expect(response.body.total).toBe(1);
    });
  });

  describe('retraining and rollback', () => {
    let secondRun: Record<string, unknown>;

    beforeAll(async () => {
      // From a source without key and time_signature: training needs neither.
      const withoutKeyAndMeter = smallDataset().map(
        ({ key: _k, time_signature: _t, ...row }) => row,
      );
      const started = await http()
        .post('/api/v1/retrain_mood')
        .set(ADMIN)
        .set('Prefer', 'respond-async')
        .send(withoutKeyAndMeter);
      expect(started.status).toBe(202);
      expect(started.headers.location).toBe(`/api/v1/mood/runs/${started.body.id}`);
      expect(['queued', 'running']).toContain(started.body.status);

      // A second request while the first runs is 409 naming the running run.
      const conflict = await http().get('/api/v1/default_train_mood').set(ADMIN).expect(409);
      expectErrorBody(conflict.body, 409, 'TRAINING_IN_PROGRESS');
      expect(conflict.body.details.run_id).toBe(started.body.id);

      secondRun = await pollRun(http, started.body.id);
    });

    it('the async run, on tracks without key and time_signature, succeeds and its model becomes active', async () => {
      expect(secondRun.status).toBe('succeeded');
      expect(secondRun.dataset).toEqual(
        expect.objectContaining({ source: 'request', rows_used: 120, rows_skipped: 0 }),
      );
      expect((await http().get('/api/v1/mood/model').expect(200)).body.labels).toEqual([
        'Calm',
        'Energy',
        'Sad',
      ]);
    });

    it('lists every run, newest first', async () => {
      const response = await http().get('/api/v1/mood/runs?limit=10').expect(200);
      expect(response.body.total).toBe(2);
      expect(response.body.runs.map((run: { id: string }) => run.id)).toEqual([
        secondRun.id,
        firstRun.id,
      ]);
      const paged = await http().get('/api/v1/mood/runs?limit=1&offset=1').expect(200);
      expect(paged.body.runs.map((run: { id: string }) => run.id)).toEqual([firstRun.id]);
    });

    it('rejects a bad paging parameter', async () => {
      const response = await http().get('/api/v1/mood/runs?limit=0').expect(400);
      expect(response.body.details[0].path).toBe('limit');
    });

    it('activating the first model rolls back: predictions use its eight moods again', async () => {
      const response = await http()
        .post(`/api/v1/mood/models/${String(firstRun.model_id)}/activate`)
        .set(ADMIN)
        .expect(200);
      expect(response.body.id).toBe(firstRun.model_id);
      const prediction = await http()
        .post('/api/v1/predict_mood')
        .send(tracksOf('37i9dQZF1DXcjpPPxCzYRE', 10))
        .expect(200);
      expect(Object.keys(prediction.body.probabilities)).toHaveLength(8);
      expect(prediction.body.model.id).toBe(firstRun.model_id);
    });

    it('activating an unknown model is 404 and changes nothing', async () => {
      const response = await http()
        .post('/api/v1/mood/models/no-such-model/activate')
        .set(ADMIN)
        .expect(404);
      expectErrorBody(response.body, 404, 'MODEL_NOT_FOUND');
      expect((await http().get('/api/v1/mood/model').expect(200)).body.id).toBe(firstRun.model_id);
    });

    it('an unknown run is 404', async () => {
      const response = await http().get('/api/v1/mood/runs/no-such-run').expect(404);
      expectErrorBody(response.body, 404, 'RUN_NOT_FOUND');
    });
  });
});

describe('the documented mood examples', () => {
  // No harvest: the catalog stays empty, so the model fills what a track lacks (the catalog would).
  const { http } = useTestApp({ ...SMALL_TRAINING, CATALOG_HARVEST: 'false' });

  it('runs the documented examples as they are: retrain_mood, then predict_mood', async () => {
    const { body: document } = await http().get('/docs-json').expect(200);
    const example = (path: string) =>
      document.paths[path].post.requestBody.content['application/json'].schema.example as object;
    const run = await http()
      .post('/api/v1/retrain_mood')
      .set(ADMIN)
      .send(example('/api/v1/retrain_mood'))
      .expect(200);
    expect(run.body.status).toBe('succeeded');
    const prediction = await http()
      .post('/api/v1/predict_mood')
      .send(example('/api/v1/predict_mood'))
      .expect(200);
    expect(prediction.body.model.id).toBe(run.body.model_id);
    expect(Object.keys(prediction.body.probabilities)).toEqual(['Calm', 'Energy']);
    // The example's last track has no key and no time_signature.
    const readsThem = (await http().get('/api/v1/mood/model').expect(200)).body.features.filter(
      (f: string) => f === 'key' || f === 'time_signature',
    );
    expect(prediction.body.tracks.at(-1).filled_features).toEqual(readsThem);
  });
});

describe('mood training that does not finish', () => {
  /** Far more epochs than run in a few seconds, and early stopping that waits 1,000 of them. */
  const ENDLESS = { ...SMALL_TRAINING, MOOD_MAX_EPOCHS: '5000', MOOD_PATIENCE: '1000' };
  let first: TestApp;
  let modelId: string;

  beforeAll(async () => {
    first = await createTestApp(SMALL_TRAINING);
    const run = await request(first.app.getHttpServer())
      .post('/api/v1/retrain_mood')
      .set(ADMIN)
      .send(smallDataset())
      .expect(200);
    modelId = run.body.model_id;
  });
  afterAll(() => first.close());

  /** Starts a retraining on the small dataset without waiting for it: its run. */
  const startTraining = async (http: () => ReturnType<typeof request>) =>
    (
      await http()
        .post('/api/v1/retrain_mood')
        .set(ADMIN)
        .set('Prefer', 'respond-async')
        .send(smallDataset())
        .expect(202)
    ).body as { id: string };

  /** Another app on the first one's database and models folder, with `env`. */
  async function withApp(
    env: Record<string, string>,
    work: (http: () => ReturnType<typeof request>) => Promise<void>,
  ): Promise<void> {
    const app = await createTestApp({ ...env, ...sameStoreAs(first) });
    try {
      await work(() => request(app.app.getHttpServer()));
    } finally {
      await app.close();
    }
  }

  it('is stopped after MOOD_TRAINING_TIMEOUT: the run fails saying so, the lock is freed, the previous model answers', async () => {
    await withApp({ ...ENDLESS, MOOD_TRAINING_TIMEOUT: '1s' }, async (http) => {
      const started = await startTraining(http);
      const run = await pollRun(http, started.id);
      expect(run).toEqual(
        expect.objectContaining({
          status: 'failed',
          model_id: null,
          error: 'Training stopped: still running after 1 s (MOOD_TRAINING_TIMEOUT)',
        }),
      );
      // The lock is free: the next request trains (and, as long, is stopped too).
      expect(
        (await http().get('/health').expect(200)).body.details.mood.training_run_id,
      ).toBeNull();
      const again = await http()
        .post('/api/v1/retrain_mood')
        .set(ADMIN)
        .send(smallDataset())
        .expect(500);
      expectErrorBody(again.body, 500, 'TRAINING_FAILED');
      expect(again.body.message).toMatch(/MOOD_TRAINING_TIMEOUT/);
      // The previous model is still the one that answers.
      expect((await http().get('/api/v1/mood/model').expect(200)).body.id).toBe(modelId);
      const prediction = await http()
        .post('/api/v1/predict_mood')
        .send(tracksOf('37i9dQZF1DXcjpPPxCzYRE', 5))
        .expect(200);
      expect(prediction.body.model.id).toBe(modelId);
    });
  });

  it('shows live in GET /mood/runs/{id} which stage, candidate and epoch is training', async () => {
    await withApp(ENDLESS, async (http) => {
      const started = await startTraining(http);
      const epochOf = (run: Record<string, unknown>) =>
        (run.progress as { epoch?: number } | null)?.epoch ?? 0;
      const running = await pollRun(http, started.id, (run) => epochOf(run) >= 3);
      expect(running.status).toBe('running');
      // Three playlists (one a mood): three fold models side by side, for the first of two
      // candidates, then the final fit.
      expect(running.progress).toEqual({
        stage: 'cross_validation',
        step: 1,
        steps: 3,
        candidate: 'core9',
        folds: 3,
        epoch: expect.any(Number),
        max_epochs: 5000,
        loss: expect.any(Number),
        val_loss: expect.any(Number),
      });
      const later = await pollRun(http, started.id, (run) => epochOf(run) > epochOf(running));
      expect(later.status).toBe('running');
    });
  });
});

describe('mood after a restart', () => {
  it('loads the active model from the database and marks a run left running as failed', async () => {
    const first = await createTestApp(SMALL_TRAINING);
    const run = (
      await request(first.app.getHttpServer())
        .get('/api/v1/default_train_mood')
        .set(ADMIN)
        .expect(200)
    ).body;
    // Simulate a crash mid-run: a run row left 'running', silent for an hour, by a process that is
    // gone (the first app stays up, idle, beside). On PostgreSQL only a stalled run is ended.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await first.app.get(DataSource).getRepository(TrainingRun).insert({
      id: 'crashed-run',
      status: 'running',
      datasetSource: 'default',
      datasetSha256: 'x',
      rowsUsed: 1,
      rowsSkipped: 0,
      hyperParameters: {},
      host: 'a-host-that-crashed',
      pid: 4242,
      createdAt: anHourAgo,
      heartbeatAt: anHourAgo,
    });

    const second = await createTestApp({
      ...SMALL_TRAINING,
      ...sameStoreAs(first),
      MOOD_TRAIN_ON_START: 'true',
    });
    try {
      const http = () => request(second.app.getHttpServer());
      expect((await http().get('/api/v1/mood/model').expect(200)).body.id).toBe(run.model_id);
      const crashed = await http().get('/api/v1/mood/runs/crashed-run').expect(200);
      expect(crashed.body).toEqual(
        expect.objectContaining({ status: 'failed', error: expect.stringMatching(/Interrupted/) }),
      );
      // An active model exists, so no first-start training was queued.
      expect((await http().get('/api/v1/mood/runs').expect(200)).body.total).toBe(2);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
