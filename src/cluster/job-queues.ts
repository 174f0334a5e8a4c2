import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type ClusterConfig, clusterConfig } from './cluster.config';
import { QueueUnavailableError } from './queue-unavailable';
import { logRedisConnection } from './redis-connection-log';

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
 * The longest a call on the queue waits for Redis. A BullMQ queue first made while Redis is away
 * waits for it without end, and a command sent while it reconnects waits for the next attempt: a
 * request that needs the queue is answered 503 QUEUE_UNAVAILABLE after this, never held.
 */
const REDIS_CALL_TIMEOUT_MS = 2000;

/**
 * BullMQ queues on REDIS_URL (none without it: jobs then run in process, and `enabled` is false).
 * Jobs carry their own id (the run's), one attempt each: a job whose instance dies is found stalled
 * once its lock lapses (JOB_STALL_TIMEOUT) and failed, never run a second time behind the run's
 * back. Workers run on instances whose ROLE runs jobs, one job at a time each.
 *
 * While Redis is away every call here fails within REDIS_CALL_TIMEOUT_MS with 503
 * QUEUE_UNAVAILABLE; the connections reconnect by themselves (ioredis), and the workers take jobs
 * again once it is back.
 */
@Injectable()
export class JobQueues implements OnModuleInit, OnApplicationShutdown {
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

  /** Connects at start-up, so that whether Redis is reachable is known before the first job. */
  onModuleInit(): void {
    if (this.enabled) this.queue('mood-training');
  }

  /**
   * 503 QUEUE_UNAVAILABLE at once where the queue's connection to Redis is known to be lost (it is
   * reconnecting): checked before a job is recorded, so that a request made while Redis is away
   * leaves nothing behind.
   */
  assertReachable(): void {
    const status = this.queueConnection?.status;
    if (status === 'reconnecting' || status === 'close' || status === 'end') {
      throw new QueueUnavailableError('the connection to Redis is lost; reconnecting');
    }
  }

  /** Puts a job on the queue under `id`; where a job of that id exists already, nothing changes. */
  async add(name: JobQueueName, id: string, data: unknown): Promise<void> {
    await this.bounded(
      this.queue(name).add(name, data, {
        jobId: id,
        attempts: 1,
        removeOnComplete: { count: 100 },
        removeOnFail: { count: 1000 },
      }),
    );
  }

  /** Where job `id` is now. */
  async state(name: JobQueueName, id: string): Promise<JobStateName> {
    const state = await this.bounded(this.queue(name).getJobState(id));
    if (state === 'unknown') return 'missing';
    if (state === 'waiting-children' || state === 'prioritized') return 'waiting';
    return state;
  }

  async counts(name: JobQueueName): Promise<QueueCounts> {
    const counts = await this.bounded(this.queue(name).getJobCounts('waiting', 'active', 'failed'));
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
    const connection = this.connect(null, `Worker ${name}`);
    const worker = new Worker(name, (job: Job) => handler(job.data as T, job.id!), {
      connection,
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
    worker.on('error', (error) => {
      // A lost connection is logged once, by its own watch (see connect).
      if (connection.status === 'ready') this.logger.warn(`Queue ${name}: ${error.message}`);
    });
    this.workers.push(worker);
    this.logger.log(`Running ${name} jobs from the queue`);
  }

  /** Redis answers (for /health); QUEUE_UNAVAILABLE saying why where it does not. */
  async ping(): Promise<void> {
    this.queue('mood-training');
    await this.bounded(this.queueConnection!.ping());
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
      const connection = (this.queueConnection ??= this.connect(1, 'Job queues'));
      queue = new Queue(name, { connection, prefix: this.config.prefix });
      queue.on('error', (error) => {
        if (connection.status === 'ready') this.logger.warn(`Queue ${name}: ${error.message}`);
      });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** `work`, or QUEUE_UNAVAILABLE where it fails or Redis takes longer than REDIS_CALL_TIMEOUT_MS. */
  private async bounded<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${REDIS_CALL_TIMEOUT_MS} ms`)),
        REDIS_CALL_TIMEOUT_MS,
      );
    });
    // A call given up on may still fail later: that failure has been answered already.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, late]);
    } catch (error) {
      throw new QueueUnavailableError((error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A worker waits on Redis for ever (BullMQ needs null); a queue's calls fail fast. Its loss and
   * return are logged once each (`what` names it); /health reports it meanwhile.
   */
  private connect(maxRetriesPerRequest: number | null, what: string): Redis {
    const connection = new Redis(this.config.redisUrl, { maxRetriesPerRequest });
    logRedisConnection(connection, this.logger, what);
    this.connections.push(connection);
    return connection;
  }
}
