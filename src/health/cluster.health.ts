import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { type ClusterConfig, clusterConfig } from '../cluster/cluster.config';
import { ClusterNotices } from '../cluster/cluster-notices';
import { JobQueues } from '../cluster/job-queues';

/**
 * This instance's part in a deployment (`cluster`: its role, how it hears of the others' changes)
 * and, where REDIS_URL is set, Redis (`redis`: whether it answers, and the training queue's
 * waiting, active and failed jobs), down when Redis does not answer within the queue's bound.
 */
@Injectable()
export class ClusterHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly notices: ClusterNotices,
    private readonly queues: JobQueues,
    @Inject(clusterConfig.KEY) private readonly config: ClusterConfig,
  ) {}

  /** Whether this instance uses Redis (and /health reports it). */
  get usesRedis(): boolean {
    return this.queues.enabled;
  }

  check() {
    return this.indicators.check('cluster').up({
      role: this.config.role,
      instance: this.config.instanceId,
      notices: this.notices.transportName,
      notices_connected: this.notices.connected,
    });
  }

  async checkRedis() {
    const indicator = this.indicators.check('redis');
    try {
      const [, training] = await Promise.all([
        this.queues.ping(),
        this.queues.counts('mood-training'),
      ]);
      return indicator.up({ queue: { 'mood-training': training } });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
