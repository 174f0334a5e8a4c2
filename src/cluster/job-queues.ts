import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type ClusterConfig, clusterConfig } from './cluster.config';

/** The queues of the service's jobs. */
export type JobQueueName = 'mood-training';

interface QueueCounts {
  waiting: number;
  active: number;
  failed: number;
}

/** Where a job is: BullMQ's states, or `missing` for no such job. */
type JobStateName = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'missing';

/**
 * BullMQ queues on REDIS_URL (none without it: jobs then run in process, and `enabled` is false).
 * Jobs carry their own id (the run's), one attempt each: a job whose instance dies is found stalled
 * once its lock lapses (JOB_STALL_TIMEOUT) and failed, never run a second time behind the run's
 * back. Workers run on instances whose ROLE runs jobs, one job at a time each.
 */
@Injectable()
export class JobQueues implements OnApplicationShutdown {
  private readonly logger = new Logger(JobQueues.name);
  private readonly queues = new Map<JobQueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];
  /** The queues' connection (their calls fail fast while Redis is away). */
  private queueConnection?: Redis;

  constructor(@Inject(clusterConfig.KEY) private readonly config: ClusterConfig) {}

  get enabled(): boolean {
    return this.config.redisUrl !== '';
  }

  /** Puts a job on the queue under `id`; where a job of that id exists already, nothing changes. */
  async add(name: JobQueueName, id: string, data: unknown): Promise<void> {
    await this.queue(name).add(name, data, {
      jobId: id,
      attempts: 1,
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 1000 },
    });
  }

  /** Where job `id` is now. */
  async state(name: JobQueueName, id: string): Promise<JobStateName> {
    const state = await this.queue(name).getJobState(id);
    if (state === 'unknown') return 'missing';
    if (state === 'waiting-children' || state === 'prioritized') return 'waiting';
    return state;
  }

  async counts(name: JobQueueName): Promise<QueueCounts> {
    const counts = await this.queue(name).getJobCounts('waiting', 'active', 'failed');
    return { waiting: counts.waiting ?? 0, active: counts.active ?? 0, failed: counts.failed ?? 0 };
  }

  /**
   * Runs the jobs of `name` on this instance (where its ROLE runs jobs): `handler` for each, one at
   * a time; `onStalled` with the id of a job BullMQ failed because its instance stopped answering.
   */
  process<T>(
    name: JobQueueName,
    handler: (data: T, jobId: string) => Promise<void>,
    onStalled: (jobId: string) => Promise<unknown>,
  ): void {
    if (!this.enabled || !this.config.runsJobs) return;
    const worker = new Worker(name, (job: Job) => handler(job.data as T, job.id!), {
      connection: this.connect(null),
      prefix: this.config.prefix,
      concurrency: 1,
      lockDuration: this.config.stallTimeoutMs,
      stalledInterval: Math.max(500, Math.round(this.config.stallTimeoutMs / 2)),
      maxStalledCount: 0,
    });
    worker.on('failed', (job, error) => {
      if (job?.id && /stalled/i.test(error.message)) {
        this.logger.warn(`Job ${name} ${job.id} stalled: its instance stopped; ending it failed`);
        onStalled(job.id).catch((cause: unknown) =>
          this.logger.error(`Could not end stalled job ${job.id}: ${(cause as Error).message}`),
        );
      }
    });
    worker.on('error', (error) => this.logger.warn(`Queue ${name}: ${error.message}`));
    this.workers.push(worker);
    this.logger.log(`Running ${name} jobs from the queue`);
  }

  /** Redis answers (for /health). */
  async ping(): Promise<boolean> {
    this.queue('mood-training');
    return (await this.queueConnection!.ping()) === 'PONG';
  }

  async onApplicationShutdown(): Promise<void> {
    // Closing a worker waits for its running job; the job's own service has stopped it by now.
    await Promise.all(this.workers.map((worker) => worker.close().catch(() => undefined)));
    await Promise.all(
      [...this.queues.values()].map((queue) => queue.close().catch(() => undefined)),
    );
    for (const connection of this.connections) connection.disconnect();
  }

  private queue(name: JobQueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      this.queueConnection ??= this.connect(1);
      queue = new Queue(name, { connection: this.queueConnection, prefix: this.config.prefix });
      queue.on('error', (error) => this.logger.warn(`Queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** A worker waits on Redis for ever (BullMQ needs null); a queue's calls fail fast. */
  private connect(maxRetriesPerRequest: number | null): Redis {
    const connection = new Redis(this.config.redisUrl, { maxRetriesPerRequest });
    connection.on('error', () => undefined); // reported by the queue, and by /health
    this.connections.push(connection);
    return connection;
  }
}
