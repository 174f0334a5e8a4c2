import { ServiceUnavailableException } from '@nestjs/common';
import { toErrorBody } from './error-body';

/** What http-errors (used by @fastify/send, which serves /docs and /dashboard files) throws. */
const httpError = (status: number, message: string, expose: boolean) =>
  Object.assign(new Error(message), { status, statusCode: status, expose });

describe('toErrorBody', () => {
  it.each([
    [403, 'Forbidden', 'FORBIDDEN'],
    [412, 'Precondition Failed', 'PRECONDITION_FAILED'],
    [416, 'Range Not Satisfiable', 'RANGE_NOT_SATISFIABLE'],
  ])(
    'answers an exposed %i from static-file serving as that status, not 500',
    (status, message, code) => {
      const {
        status: answered,
        body,
        unexpected,
      } = toErrorBody(httpError(status, message, true), 'r1');
      expect(answered).toBe(status);
      expect(body).toEqual({ statusCode: status, code, message, requestId: 'r1' });
      expect(unexpected).toBe(false);
    },
  );

  it('keeps a 4xx whose message is not meant for the client (expose false) a generic 500', () => {
    const { status, body, unexpected } = toErrorBody(
      httpError(400, 'internal detail', false),
      'r2',
    );
    expect(status).toBe(500);
    expect(body.code).toBe('INTERNAL_ERROR');
    expect(body.message).not.toContain('internal detail');
    expect(unexpected).toBe(true);
  });

  it("answers Fastify's own client errors (FST_ERR_*) with their status and message", () => {
    const error = Object.assign(new Error('Body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    const { status, body } = toErrorBody(error, 'r3');
    expect(status).toBe(413);
    expect(body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'Body is too large' });
  });

  it('never exposes an exposed 5xx: it stays a generic 500', () => {
    const { status, body } = toErrorBody(httpError(502, 'upstream secret', true), 'r4');
    expect(status).toBe(500);
    expect(body.message).not.toContain('upstream secret');
  });
});

describe('toErrorBody for a database that cannot be reached', () => {
  /** What node-postgres and TypeORM throw when PostgreSQL is down or restarting. */
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  const queryFailed = (driverError: Error) =>
    Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError });

  it.each<[string, unknown]>([
    ['a refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    [
      'a refused connection tried on two addresses',
      new AggregateError([pgError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432')], ''),
    ],
    [
      'a server shutting down (57P01 admin_shutdown, in a QueryFailedError)',
      queryFailed(pgError('57P01', 'terminating connection due to administrator command')),
    ],
    ['a server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection cut mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that had no connection in time', new Error('timeout exceeded when trying to connect')],
    ['a connection exception (class 08)', pgError('08006', 'connection failure')],
    ['SQLite locked by another process', pgError('SQLITE_BUSY', 'database is locked')],
  ])('%s is 503 DATABASE_UNAVAILABLE with Retry-After', (_name, error) => {
    const { status, body, headers, unexpected } = toErrorBody(error, 'r5');
    expect(status).toBe(503);
    expect(body).toEqual({
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: expect.stringMatching(/database/i),
      requestId: 'r5',
    });
    expect(Number(headers['retry-after'])).toBeGreaterThan(0);
    expect(unexpected).toBe(false);
  });

  it.each<[string, unknown]>([
    ['a unique violation', queryFailed(pgError('23505', 'duplicate key value'))],
    ['a syntax error', queryFailed(pgError('42601', 'syntax error at or near'))],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('%s stays a generic 500', (_name, error) => {
    const { status, body, headers } = toErrorBody(error, 'r6');
    expect(status).toBe(500);
    expect(body.code).toBe('INTERNAL_ERROR');
    expect(headers).toEqual({});
  });
});

describe('toErrorBody for a full disk', () => {
  const coded = (code: string, message: string) => Object.assign(new Error(message), { code });

  it.each<[string, unknown]>([
    ['the file system (ENOSPC)', coded('ENOSPC', 'ENOSPC: no space left on device, write')],
    ['a user out of quota (EDQUOT)', coded('EDQUOT', 'EDQUOT: disk quota exceeded')],
    [
      'SQLite (SQLITE_FULL, in a QueryFailedError)',
      Object.assign(new Error('database or disk is full'), {
        name: 'QueryFailedError',
        driverError: coded('SQLITE_FULL', 'database or disk is full'),
      }),
    ],
    ['PostgreSQL (53100 disk_full)', coded('53100', 'could not extend file')],
  ])('%s is 507 INSUFFICIENT_STORAGE, without the driver’s words', (_name, error) => {
    const { status, body, headers, unexpected } = toErrorBody(error, 'r8');
    expect(status).toBe(507);
    expect(body).toEqual({
      statusCode: 507,
      code: 'INSUFFICIENT_STORAGE',
      message: expect.stringMatching(/storage is full/),
      requestId: 'r8',
    });
    expect(body.message).not.toMatch(/ENOSPC|SQLITE|extend file/);
    expect(headers).toEqual({});
    expect(unexpected).toBe(false);
  });
});

describe('toErrorBody for a failed health check', () => {
  it('is 503 UNHEALTHY naming each part that is down, with every part in details', () => {
    const result = {
      status: 'error',
      info: { mood: { status: 'up' } },
      error: { database: { status: 'down', message: 'connect ECONNREFUSED' } },
      details: {
        database: { status: 'down', message: 'connect ECONNREFUSED' },
        mood: { status: 'up' },
      },
    };
    const { status, body, unexpected } = toErrorBody(new ServiceUnavailableException(result), 'r7');
    expect(status).toBe(503);
    expect(body).toEqual({
      statusCode: 503,
      code: 'UNHEALTHY',
      message: 'Down: database (connect ECONNREFUSED)',
      details: result.details,
      requestId: 'r7',
    });
    expect(unexpected).toBe(false);
  });
});
