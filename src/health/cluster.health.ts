import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { type ClusterConfig, clusterConfig } from '../cluster/cluster.config';
import { ClusterNotices } from '../cluster/cluster-notices';
import { JobQueues } from '../cluster/job-queues';

const REDIS_TIMEOUT_MS = 2000;

/**
 * This instance's part in a deployment: its role, how it hears of the others' changes, and where
 * Redis is used, whether it answers and the training queue's waiting, active and failed jobs
 * (down when Redis does not answer).
 */
@Injectable()
export class ClusterHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly notices: ClusterNotices,
    private readonly queues: JobQueues,
    @Inject(clusterConfig.KEY) private readonly config: ClusterConfig,
  ) {}

  async check() {
    const indicator = this.indicators.check('cluster');
    const about = {
      role: this.config.role,
      instance: this.config.instanceId,
      notices: this.notices.transportName,
      notices_connected: this.notices.connected,
    };
    if (!this.queues.enabled) return indicator.up({ ...about, redis: null, queue: null });
    try {
      const [, training] = await withTimeout(
        Promise.all([this.queues.ping(), this.queues.counts('mood-training')]),
      );
      return indicator.up({ ...about, redis: 'up', queue: { 'mood-training': training } });
    } catch (error) {
      return indicator.down({ ...about, redis: 'down', message: (error as Error).message });
    }
  }
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Redis did not answer in time')), REDIS_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
