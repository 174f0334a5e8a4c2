import request from 'supertest';
import { createTestApp, expectErrorBody, TestApp } from './helpers/create-test-app';

/** Every route Express serves, as "METHOD /path" with OpenAPI-style {params}. */
function servedRoutes(testApp: TestApp): string[] {
  const express = testApp.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  return express.router.stack
    .filter((layer) => layer.route)
    .flatMap(({ route }) =>
      Object.keys(route!.methods).map(
        (method) => `${method.toUpperCase()} ${route!.path.replace(/:(\w+)/g, '{$1}')}`,
      ),
    )
    .filter((route) => !route.includes(' /docs'));
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

  it('reports the database in /health', async () => {
    const response = await http().get('/health').expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.details.database).toEqual({ status: 'up' });
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
