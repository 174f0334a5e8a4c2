import { Logger } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import { validateEnvironment } from '../config';
import { clusterConfig } from './cluster.config';
import { JobQueues } from './job-queues';
import { QueueUnavailableError } from './queue-unavailable';

/**
 * JobQueues against a Redis that is not there: a port on which nothing listens (the connection is
 * refused) and one that accepts connections and never answers (a Redis hung or behind a dead link).
 * Every call must give up within its bound with 503 QUEUE_UNAVAILABLE, never hang.
 */
describe('JobQueues without a Redis that answers', () => {
  let silent: Server;
  let silentPort: number;
  const accepted = new Set<Socket>();
  const queuesOn = (port: number) =>
    new JobQueues(
      clusterConfig(validateEnvironment({ REDIS_URL: `redis://127.0.0.1:${port}`, ROLE: 'api' })),
    );

  beforeAll(async () => {
    Logger.overrideLogger(false);
    silent = createServer((socket) => accepted.add(socket)); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it.each([
    ['refused', () => 1],
    ['silent', () => silentPort],
  ])(
    'Redis %s: add, state, counts and ping fail with 503 QUEUE_UNAVAILABLE within the bound',
    async (_how, port) => {
      const queues = queuesOn(port());
      queues.onModuleInit();
      try {
        for (const call of [
          () => queues.add('mood-training', 'run-1', { runId: 'run-1' }),
          () => queues.state('mood-training', 'run-1'),
          () => queues.counts('mood-training'),
          () => queues.ping(),
        ]) {
          const started = Date.now();
          const failure = await call().then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(failure).toBeInstanceOf(QueueUnavailableError);
          expect(failure).toMatchObject({
            status: 503,
            code: 'QUEUE_UNAVAILABLE',
            retryAfterSeconds: expect.any(Number),
          });
          expect(Date.now() - started).toBeLessThan(5000);
        }
      } finally {
        await queues.onApplicationShutdown();
      }
    },
    30_000,
  );

  it('once the connection is known to be lost, refuses at once (nothing to record)', async () => {
    const queues = queuesOn(1);
    queues.onModuleInit();
    try {
      await queues.ping().catch(() => undefined); // the first attempt has been refused by now
      expect(() => queues.assertReachable()).toThrow(QueueUnavailableError);
    } finally {
      await queues.onApplicationShutdown();
    }
  }, 30_000);
});
