import { Logger } from '@nestjs/common';
import request from 'supertest';
import { createTestApp, expectErrorBody, TestApp } from './helpers/create-test-app';

/**
 * Every API route Fastify serves, as "METHOD /path" with OpenAPI-style {params}; the static pages
 * (Swagger UI at /docs, the dashboard at /dashboard) are files, not API routes.
 */
function servedRoutes(testApp: TestApp): string[] {
  return testApp.routes
    .filter((route) => !route.startsWith('HEAD ') && !/ \/(docs|dashboard)\b/.test(route))
    .map((route) => route.replace(/:(\w+)/g, '{$1}'));
}

describe('the service as a whole', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());

  beforeAll(async () => {
    testApp = await createTestApp({ BODY_LIMIT: '64kb' });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('documents every route it serves in /docs-json, with an example body for every POST', async () => {
    const { body: document } = await http().get('/docs-json').expect(200);
    const documented = Object.entries(
      document.paths as Record<string, Record<string, unknown>>,
    ).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = servedRoutes(testApp);
    expect(served.length).toBeGreaterThan(1);
    expect(documented.sort()).toEqual(expect.arrayContaining(served.sort()));
    for (const [path, operations] of Object.entries(document.paths as Record<string, any>)) {
      const post = operations.post;
      if (!post?.requestBody) continue;
      const content = post.requestBody.content['application/json'];
      const hasExample = Boolean(content.example ?? content.examples ?? content.schema?.example);
      expect({ path, hasExample }).toEqual({ path, hasExample: true });
    }
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await http().get('/docs/').expect(200);
    expect(response.text).toContain('swagger-ui');
  });

  it('reports the database, the catalog index and the storage in /health', async () => {
    const response = await http().get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.details.database).toEqual({ status: 'up' });
    expect(response.body.details.catalog).toMatchObject({ status: 'up', tracks: 0 });
    expect(response.body.details.storage).toMatchObject({
      status: 'up',
      free_bytes: expect.any(Number),
    });
  });

  it('answers a body over BODY_LIMIT with 413 in the error shape', async () => {
    const big = Array.from({ length: 2000 }, (_, i) => ({
      track_id: `t${i}`,
      artist_id: `a${i}`,
      artist_name: `Artist ${i}`,
    }));
    const response = await http().post('/api/v1/favourite_artists').send(big).expect(413);
    expectErrorBody(response.body, 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('what a browser app calling the service needs', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());
  const ALLOWED = 'https://app.example.com';

  afterEach(async () => {
    await testApp.close();
  });

  it('allows no cross-origin caller by default', async () => {
    testApp = await createTestApp();
    const response = await http().get('/health').set('Origin', ALLOWED).expect(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows the origins in CORS_ORIGINS, preflight included, and no other', async () => {
    testApp = await createTestApp({ CORS_ORIGINS: `${ALLOWED}, https://other.example.com` });
    const preflight = await http()
      .options('/api/v1/predict_mood')
      .set('Origin', ALLOWED)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-api-key');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    const answer = await http().get('/api/v1/mood/runs').set('Origin', ALLOWED).expect(200);
    expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(answer.headers['access-control-expose-headers']).toMatch(/x-request-id/);
    const stranger = await http()
      .get('/api/v1/mood/runs')
      .set('Origin', 'https://evil.example.com')
      .expect(200);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('logs one line per request with its method, path, status, time and request id', async () => {
    testApp = await createTestApp({ LOG_LEVEL: 'log' });
    const logged = jest.spyOn(Logger.prototype, 'log');
    try {
      await http()
        .post('/api/v1/predict_mood')
        .set('x-request-id', 'log-me-1')
        .send([])
        .expect(400);
      expect(logged.mock.calls.map(([message]) => String(message))).toContainEqual(
        expect.stringMatching(/^POST \/api\/v1\/predict_mood 400 \d+\.\dms \[log-me-1\]$/),
      );
    } finally {
      logged.mockRestore();
    }
  });

  it('sends security headers on every answer, errors included', async () => {
    testApp = await createTestApp();
    for (const response of [
      await http().get('/health').expect(200),
      await http().post('/api/v1/predict_mood').send('{').expect(400),
    ]) {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });
});
