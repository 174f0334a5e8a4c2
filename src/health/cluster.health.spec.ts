import { HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { typedMock } from '../../test/helpers/typed-mock';
import { clusterConfig } from '../cluster/cluster.config';
import { ClusterNotices } from '../cluster/cluster-notices';
import { JobQueues } from '../cluster/job-queues';
import { QueueUnavailableError } from '../cluster/queue-unavailable';
import { validateEnvironment } from '../config';
import { ClusterHealthIndicator } from './cluster.health';

/** The cluster and Redis parts of /health, with the queues and notices mocked. */
describe('ClusterHealthIndicator', () => {
  const queues = {
    enabled: true,
    ping: typedMock<JobQueues['ping']>(() => Promise.resolve()),
    counts: typedMock<JobQueues['counts']>(() =>
      Promise.resolve({ waiting: 2, active: 1, failed: 3 }),
    ),
  };
  const notices = { transportName: 'redis', connected: true };

  async function indicator(settings: Record<string, string>) {
    const moduleRef = await Test.createTestingModule({
      providers: [
        ClusterHealthIndicator,
        HealthIndicatorService,
        { provide: JobQueues, useValue: queues },
        { provide: ClusterNotices, useValue: notices },
        { provide: clusterConfig.KEY, useValue: clusterConfig(validateEnvironment(settings)) },
      ],
    }).compile();
    return moduleRef.get(ClusterHealthIndicator);
  }

  beforeEach(() => {
    jest.clearAllMocks();
    queues.enabled = true;
    queues.ping.mockResolvedValue();
  });

  it('reports the role and the notices, and Redis with the training queue’s waiting, active and failed jobs', async () => {
    const health = await indicator({ REDIS_URL: 'redis://r:6379', ROLE: 'worker' });
    expect(health.usesRedis).toBe(true);
    expect(health.check().cluster).toEqual(
      expect.objectContaining({ status: 'up', role: 'worker', notices: 'redis' }),
    );
    expect((await health.checkRedis()).redis).toEqual({
      status: 'up',
      queue: { 'mood-training': { waiting: 2, active: 1, failed: 3 } },
    });
  });

  it('Redis is down, saying why, when it does not answer; the cluster part stays up', async () => {
    queues.ping.mockRejectedValue(new QueueUnavailableError('connect ECONNREFUSED'));
    const health = await indicator({ REDIS_URL: 'redis://r:6379' });
    expect((await health.checkRedis()).redis).toEqual({
      status: 'down',
      message: expect.stringMatching(/Redis.*connect ECONNREFUSED/),
    });
    expect(health.check().cluster.status).toBe('up');
  });

  it('without Redis, reports no Redis part', async () => {
    queues.enabled = false;
    const health = await indicator({});
    expect(health.usesRedis).toBe(false);
    expect(health.check().cluster).toEqual(expect.objectContaining({ status: 'up', role: 'all' }));
  });
});
