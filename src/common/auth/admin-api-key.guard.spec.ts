import rateLimit from '@fastify/rate-limit';
import type { ExecutionContext } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { AppError, UnauthorizedError } from '../errors';
import { AdminApiKeyGuard } from './admin-api-key.guard';

const KEY = 'the-right-admin-key-123';

function contextWith(headers: Record<string, string>, ip = '127.0.0.1') {
  const request = {
    headers,
    method: 'POST',
    url: '/api/v1/retrain_mood',
    ip,
    routeOptions: { config: {} },
  };
  const reply = { headers: {} as Record<string, string> };
  const header = (name: string, value: string) => (reply.headers[name] = value);
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({ header }) }),
  } as unknown as ExecutionContext;
  return { context, reply };
}

describe('AdminApiKeyGuard', () => {
  let fastify: FastifyInstance;
  let guard: AdminApiKeyGuard;

  beforeEach(async () => {
    // The real rate-limit plugin on a real Fastify instance: the guard counts failures with it.
    fastify = Fastify();
    await fastify.register(rateLimit, { global: false });
    await fastify.ready();
    const adapterHost = {
      httpAdapter: { getInstance: () => fastify },
    } as unknown as HttpAdapterHost;
    guard = new AdminApiKeyGuard(
      {
        adminApiKey: KEY,
        adminKeyMaxFailures: 3,
        adminKeyLockoutSeconds: 60,
      } as ConstructorParameters<typeof AdminApiKeyGuard>[0],
      adapterHost,
    );
  });
  afterEach(() => fastify.close());

  it('lets the right key through', async () => {
    await expect(guard.canActivate(contextWith({ 'x-api-key': KEY }).context)).resolves.toBe(true);
  });

  it.each([
    ['no key', {}],
    ['an empty key', { 'x-api-key': '' }],
    ['a wrong key', { 'x-api-key': 'the-wrong-admin-key-123' }],
    ['a prefix of the key', { 'x-api-key': KEY.slice(0, -1) }],
  ])('rejects %s with 401 UNAUTHORIZED', async (_, headers) => {
    await expect(guard.canActivate(contextWith(headers).context)).rejects.toThrow(
      UnauthorizedError,
    );
  });

  it('answers 429 with Retry-After once a client has failed too often, even with the right key', async () => {
    const wrong = { 'x-api-key': 'the-wrong-admin-key-123' };
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(guard.canActivate(contextWith(wrong).context)).rejects.toThrow(
        UnauthorizedError,
      );
    }
    const fourth = contextWith(wrong);
    await expect(guard.canActivate(fourth.context)).rejects.toMatchObject({ status: 429 });
    expect(Number(fourth.reply.headers['retry-after'])).toBeGreaterThan(0);

    const right = contextWith({ 'x-api-key': KEY });
    const refused = await guard.canActivate(right.context).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
  });

  it('counts failures per client: another client is not locked out', async () => {
    const wrong = { 'x-api-key': 'the-wrong-admin-key-123' };
    for (let attempt = 0; attempt < 4; attempt++) {
      await guard.canActivate(contextWith(wrong, '10.0.0.1').context).catch(() => undefined);
    }
    await expect(
      guard.canActivate(contextWith({ 'x-api-key': KEY }, '10.0.0.2').context),
    ).resolves.toBe(true);
  });
});
