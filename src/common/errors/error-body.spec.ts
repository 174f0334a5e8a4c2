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
