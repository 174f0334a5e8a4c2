import type { ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '../errors';
import { AdminApiKeyGuard } from './admin-api-key.guard';

const KEY = 'the-right-admin-key-123';

function contextWith(headers: Record<string, string>): ExecutionContext {
  const request = { headers, method: 'POST', originalUrl: '/api/v1/retrain_mood', ip: '127.0.0.1' };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe('AdminApiKeyGuard', () => {
  const guard = new AdminApiKeyGuard({
    adminApiKey: KEY,
  } as ConstructorParameters<typeof AdminApiKeyGuard>[0]);

  it('lets the right key through', () => {
    expect(guard.canActivate(contextWith({ 'x-api-key': KEY }))).toBe(true);
  });

  it.each([
    ['no key', {}],
    ['an empty key', { 'x-api-key': '' }],
    ['a wrong key', { 'x-api-key': 'the-wrong-admin-key-123' }],
    ['a prefix of the key', { 'x-api-key': KEY.slice(0, -1) }],
  ])('rejects %s with 401 UNAUTHORIZED', (_, headers) => {
    expect(() => guard.canActivate(contextWith(headers))).toThrow(UnauthorizedError);
  });
});
