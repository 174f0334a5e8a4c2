import { HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { typedMock } from '../../test/helpers/typed-mock';
import { clusterConfig } from '../cluster/cluster.config';
import { ClusterNotices } from '../cluster/cluster-notices';
import { JobQueues } from '../cluster/job-queues';
import { validateEnvironment } from '../config';
import { ClusterHealthIndicator } from './cluster.health';

/** The cluster part of /health, with the queues and notices mocked. */
describe('ClusterHealthIndicator', () => {
  const queues = {
    enabled: true,
    ping: typedMock<JobQueues['ping']>(() => Promise.resolve(true)),
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
    queues.ping.mockResolvedValue(true);
  });

  it("reports the role, the notices and the training queue's waiting, active and failed jobs", async () => {
    const check = await (await indicator({ REDIS_URL: 'redis://r:6379', ROLE: 'worker' })).check();
    expect(check.cluster).toEqual(
      expect.objectContaining({
        status: 'up',
        role: 'worker',
        notices: 'redis',
        redis: 'up',
        queue: { 'mood-training': { waiting: 2, active: 1, failed: 3 } },
      }),
    );
  });

  it('is down, saying why, when Redis does not answer', async () => {
    queues.ping.mockRejectedValue(new Error('connect ECONNREFUSED'));
    const check = await (await indicator({ REDIS_URL: 'redis://r:6379' })).check();
    expect(check.cluster).toEqual(
      expect.objectContaining({ status: 'down', redis: 'down', message: 'connect ECONNREFUSED' }),
    );
  });

  it('without Redis, reports no queue and stays up', async () => {
    queues.enabled = false;
    const check = await (await indicator({})).check();
    expect(check.cluster).toEqual(
      expect.objectContaining({ status: 'up', role: 'all', redis: null, queue: null }),
    );
    expect(queues.ping).not.toHaveBeenCalled();
  });
});
