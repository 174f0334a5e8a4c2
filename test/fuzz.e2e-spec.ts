import fc from 'fast-check';
import { toPandasColumns } from './helpers/pandas-columns';
import { expectErrorBody, TEST_ADMIN_KEY, useTestApp } from './helpers/create-test-app';
import { readSharedJson, readSharedText, sharedDataPath } from './helpers/shared-data';
import { postRoutes } from './helpers/openapi';
import { importText } from './helpers/catalog-import';
import { CatalogIndexLoader } from '../src/catalog-index/catalog-index-loader';
import { RECOMMENDATION_PARAMETERS } from '../src/recommendations/recommendation-parameters';
import { LISTENING_EXAMPLES } from '../src/common/listening/listening-examples';

/**
 * Property-based fuzzing of every POST call the OpenAPI document lists: random JSON, and valid
 * sample bodies with one value mutated into something hostile. The service must never answer 5xx,
 * every 4xx must be the one error body, and it must keep serving afterwards.
 */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? 300);

const sampleTracks = readSharedJson<Record<string, unknown>[]>('trendy_metrics.json');
const sampleArtists = readSharedJson<Record<string, unknown>[]>('playlist_artists.json').slice(
  0,
  8,
);

const hostileValue = fc.oneof(
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e309',
    '',
    ' ',
    '0x10',
    '١٢٣',
    '🎵🎶',
    '__proto__',
    'constructor',
    '\u0000',
    null,
    true,
    false,
    [],
    {},
    { __proto__: { polluted: true } },
    -1,
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_VALUE,
    2 ** 53 + 1,
  ),
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.jsonValue({ maxDepth: 4 }),
);

const deepNesting = fc
  .integer({ min: 10, max: 2000 })
  .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown);

function mutatedRows(rows: Record<string, unknown>[]) {
  return fc
    .record({
      row: fc.nat({ max: rows.length - 1 }),
      field: fc.oneof(
        fc.constantFrom(...Object.keys(rows[0])),
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'tracks', ''),
        fc.string(),
      ),
      value: hostileValue,
      shape: fc.constantFrom('array', 'tracks', 'columns'),
    })
    .map(({ row, field, value, shape }) => {
      const copy = rows.map((r) => ({ ...r }));
      copy[row] = JSON.parse(JSON.stringify(copy[row]));
      Object.defineProperty(copy[row], field, { value, enumerable: true, writable: true });
      if (shape === 'tracks') return { tracks: copy };
      if (shape === 'columns') return toPandasColumns(copy);
      return copy;
    });
}

/** Every path into a JSON document (objects' keys, arrays' indexes), the document itself first. */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const paths = [at];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...at, i])));
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...at, key]));
  return paths;
}

/**
 * A listening body of one of the shapes clients hold (ids, Spotify answers, exports, ListenBrainz
 * listens) with one value anywhere in it replaced by something hostile, or removed.
 */
function mutatedListening(document: unknown) {
  const paths = pathsOf(document).filter((path) => path.length > 0);
  return fc
    .record({ path: fc.constantFrom(...paths), value: hostileValue, remove: fc.boolean() })
    .map(({ path, value, remove }) => {
      const copy = JSON.parse(JSON.stringify(document)) as Record<string | number, unknown>;
      let parent = copy;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      const last = path[path.length - 1];
      if (remove && !Array.isArray(parent)) delete parent[last];
      else Object.defineProperty(parent, last, { value, enumerable: true, writable: true });
      return copy;
    });
}

const randomBody = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }),
  fc.array(fc.dictionary(fc.string(), hostileValue, { maxKeys: 20 }), { maxLength: 30 }),
  fc.dictionary(fc.string(), fc.dictionary(fc.string(), hostileValue, { maxKeys: 5 })),
  deepNesting,
  mutatedRows(sampleTracks),
  mutatedRows(sampleArtists),
  ...Object.values(LISTENING_EXAMPLES).map((example) => mutatedListening(example.value)),
);

const randomQuery = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom('limit', 'k', 'recent', 'periods', 'freq', 'interval', '__proto__', 'x'),
      fc.oneof(
        fc.string(),
        fc.integer().map(String),
        fc.double().map(String),
        // fast-check may make null-prototype objects, which String() cannot convert.
        hostileValue.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))),
      ),
      { maxKeys: 3 },
    )
    .map((q) => new URLSearchParams(q).toString()),
);

/** The header of the TidyTuesday catalog format, so some random files pass format detection. */
const sampleHeader = readSharedText('spotify_songs_dev.csv').split('\n', 1)[0];

describe('fuzzing every call', () => {
  // A small model trained at start-up, so predict_mood answers 200/4xx rather than 503.
  const { http, testApp } = useTestApp({
    MOOD_DATASET_PATH: sharedDataPath('playlist_metrics.json'),
    MOOD_TRAIN_ON_START: 'true',
    MOOD_MAX_EPOCHS: '3',
    MOOD_ENSEMBLE_SIZE: '1',
  });
  let jsonRoutes: string[] = [];
  let fileRoutes: string[] = [];

  beforeAll(async () => {
    for (let attempt = 0; ; attempt++) {
      const model = await http().get('/api/v1/mood/model');
      if (model.status === 200) break;
      if (attempt > 600) throw new Error('no mood model after 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A catalog to recommend from, so that recommendations are fuzzed past 503 CATALOG_EMPTY.
    await importText(testApp().app, readSharedText('spotify_songs_dev.csv'));
    await testApp().app.get(CatalogIndexLoader).settled();
    const { body: document } = await http().get('/docs-json').expect(200);
    jsonRoutes = postRoutes(document, 'json').filter((path) => !path.includes('{'));
    fileRoutes = postRoutes(document, 'file');
  });

  it('finds the POST calls to fuzz in the OpenAPI document', () => {
    expect(fileRoutes).toEqual(['/api/v1/catalog/imports']);
    expect(jsonRoutes).toEqual(
      expect.arrayContaining([
        '/api/v1/favourite_artists',
        '/api/v1/similarity',
        '/api/v1/metrics',
        '/api/v1/predict_mood',
        '/api/v1/retrain_mood',
      ]),
    );
  });

  it('never answers 5xx to random recommendation queries, always the error body on 4xx', async () => {
    const names = RECOMMENDATION_PARAMETERS.map((parameter) => parameter.name);
    const sampleIds = readSharedText('spotify_songs_dev.csv')
      .split('\n')
      .slice(1, 40)
      .map((line) => line.split(',')[0]);
    const value = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc.integer({ min: -5, max: 500 }).map(String),
      fc.subarray(sampleIds, { minLength: 1, maxLength: 6 }).map((ids) => ids.join(',')),
      fc.constantFrom('pop', 'rock,latin', 'Queen', 'true', '', ',,'),
    );
    const query = fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string()), value, {
      maxKeys: 8,
    });
    await fc.assert(
      fc.asyncProperty(query, async (parameters) => {
        const response = await http().get('/api/v1/recommendations').query(parameters);
        if (response.status >= 500) {
          throw new Error(`GET answered ${response.status}: ${JSON.stringify(response.body)}`);
        }
        if (response.status >= 400)
          expectErrorBody(response.body, response.status, response.body.code);
      }),
      { numRuns: RUNS_PER_ROUTE },
    );
  });

  it('answers admin calls fuzzed with the right key with 4xx and leaves the active model alone', async () => {
    const before = await http().get('/api/v1/mood/model').expect(200);
    await fc.assert(
      fc.asyncProperty(randomBody, async (body) => {
        const response = await http()
          .post('/api/v1/retrain_mood')
          .set('X-API-Key', TEST_ADMIN_KEY)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expectErrorBody(response.body, response.status, response.body.code);
      }),
      { numRuns: 150 },
    );
    const after = await http().get('/api/v1/mood/model').expect(200);
    expect(after.body.id).toBe(before.body.id);
  });

  it('never answers 5xx to random or mutated bodies, always the error body on 4xx', async () => {
    for (const route of [...jsonRoutes, ...fileRoutes]) {
      await fc.assert(
        fc.asyncProperty(randomBody, randomQuery, async (body, query) => {
          const response = await http()
            .post(query ? `${route}?${query}` : route)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          if (response.status >= 500) {
            throw new Error(
              `${route} answered ${response.status}: ${JSON.stringify(response.body)}`,
            );
          }
          if (response.status >= 400)
            expectErrorBody(response.body, response.status, response.body.code);
          // A refused field is named by its path.
          if (response.body.code === 'VALIDATION_FAILED') {
            expect(response.body.details.length).toBeGreaterThan(0);
            for (const detail of response.body.details) expect(typeof detail.path).toBe('string');
          }
        }),
        { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
      );
    }
    await http().get('/health').expect(200);
  });

  it('answers random files sent to the catalog import with the key with 4xx or a finished import, never 5xx', async () => {
    const line = fc.array(fc.oneof(fc.string(), fc.double().map(String), fc.constant('NA')), {
      maxLength: 25,
    });
    const file = fc.oneof(
      fc.string(),
      fc.array(line, { maxLength: 20 }).map((rows) => rows.map((row) => row.join(',')).join('\n')),
      fc
        .array(line, { maxLength: 20 })
        .map((rows) => `${sampleHeader}\n${rows.map((row) => row.join(',')).join('\n')}`),
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(
        file,
        fc.constantFrom('text/csv', 'application/x-ndjson', 'application/json'),
        async (text, type) => {
          const response = await http()
            .post('/api/v1/catalog/imports')
            .set('X-API-Key', TEST_ADMIN_KEY)
            .set('Content-Type', type)
            .serialize((body: unknown) => body as string)
            .send(text);
          if (response.status >= 500) {
            throw new Error(`import answered ${response.status}: ${JSON.stringify(response.body)}`);
          }
          if (response.status >= 400)
            expectErrorBody(response.body, response.status, response.body.code);
          else expect(response.body.status).toBe('succeeded');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('answers raw non-JSON bodies with 400 INVALID_JSON on every call that reads JSON', async () => {
    for (const route of jsonRoutes) {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1 }).filter((s) => {
            try {
              JSON.parse(s);
              return false;
            } catch {
              return true;
            }
          }),
          async (text) => {
            const response = await http()
              .post(route)
              .set('Content-Type', 'application/json')
              .send(text);
            expect(response.status).toBe(400);
            expectErrorBody(response.body, 400, 'INVALID_JSON');
          },
        ),
        { numRuns: 30 },
      );
    }
  });
});
