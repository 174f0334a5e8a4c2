import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { type FindOptionsWhere, In, QueryFailedError, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ConflictError } from '../common/errors';
import type { JobQueueName, JobQueues } from './job-queues';

/** The columns of a job's row that its claim reads and writes. */
export interface ClaimedJob {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  /** 1 while queued or running, else null: a unique index on it admits one such job. */
  active: number | null;
  /** The process that runs it (null on rows written before processes were recorded). */
  host: string | null;
  pid: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The id of the job this process runs, if any: never taken for stalled. */
export type OwnJobId = () => string | null;

/** The properties of T that hold a time. */
type TimeProperty<T> = { [K in keyof T]-?: T[K] extends Date | null ? K : never }[keyof T];

/** What tells one kind of job (training runs, catalog imports) from another. */
export interface JobKind<T extends ClaimedJob> {
  /** The job in words, for the log: `Training run`, `Catalog import`. */
  name: string;
  /** Its sign of life: the time its process last wrote while running it. */
  heartbeat: TimeProperty<T> & string;
  /** The error of a second job while `holderId` holds the claim (409 naming it). */
  inProgress(holderId: string): ConflictError;
  /** Why a stalled job is ended: `the instance training it stopped`. */
  stalledBecause: string;
  /** What ending a job failed records besides its status, claim and end time: its error. */
  interrupted(why: string, now: Date): QueryDeepPartialEntity<T>;
  /** The queue on which a queued job waits for a process to take it, where jobs are queued. */
  queue?: { queues: JobQueues; name: JobQueueName };
}

const UNFINISHED = ['queued', 'running'];

/**
 * One job of a kind at a time across every process on the database, and none left running by a
 * process that died. A job is inserted holding the unique `active` claim (a second is 409 naming
 * the holder); its process writes the heartbeat while it runs; a job whose process on this host is
 * gone, or whose heartbeat is older than JOB_STALL_TIMEOUT (and, where it waits on a queue, whose
 * queued job is gone too), has stalled, and whichever process looks next ends it failed, which
 * frees the claim.
 */
export class JobClaims<T extends ClaimedJob> {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly jobs: Repository<T>,
    private readonly kind: JobKind<T>,
    /** JOB_STALL_TIMEOUT, in milliseconds. */
    private readonly stallTimeoutMs: number,
  ) {
    this.logger = new Logger(new.target.name);
  }

  /** How often a running job writes its heartbeat: four times per JOB_STALL_TIMEOUT. */
  get heartbeatMs(): number {
    return Math.max(250, Math.round(this.stallTimeoutMs / 4));
  }

  inProgress(holderId: string): ConflictError {
    return this.kind.inProgress(holderId);
  }

  /**
   * Inserts the job holding the claim; where another holds it, 409 naming that one (after ending it
   * failed and trying again, where it has stalled).
   */
  async claim(job: T, ownJobId: OwnJobId): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.jobs.insert(job as QueryDeepPartialEntity<T>);
        return;
      } catch (error) {
        if (!(error instanceof QueryFailedError)) throw error;
        const holder = await this.jobs.findOneBy({ active: 1 } as FindOptionsWhere<T>);
        if (!holder) {
          if (attempt < 2) continue;
          throw error;
        }
        if (attempt < 2 && (await this.hasStalled(holder, ownJobId))) {
          await this.markFailed(holder.id, this.kind.stalledBecause);
          continue;
        }
        throw this.kind.inProgress(holder.id);
      }
    }
  }

  /** Writes job `id`'s heartbeat every heartbeatMs until the returned function is called. */
  beat(id: string): () => void {
    const timer = setInterval(() => {
      const sign = { [this.kind.heartbeat]: new Date() } as unknown as QueryDeepPartialEntity<T>;
      void this.jobs.update(id, sign).catch(() => undefined);
    }, this.heartbeatMs);
    return () => clearInterval(timer);
  }

  /** Ends failed every queued or running job that has stalled; how many it ended. */
  async failStalled(ownJobId: OwnJobId): Promise<number> {
    const unfinished = await this.jobs.findBy(this.unfinished());
    let ended = 0;
    for (const job of unfinished) {
      if (!(await this.hasStalled(job, ownJobId))) continue;
      this.logger.warn(`${this.kind.name} ${job.id} stalled: ${this.kind.stalledBecause}`);
      if (await this.markFailed(job.id, this.kind.stalledBecause)) ended += 1;
    }
    return ended;
  }

  /**
   * Ends failed every queued or running job, whatever its heartbeat: for a process alone on its
   * database at start-up, where every such job is one that a crash or a kill left behind.
   */
  async failUnfinished(why: string): Promise<number> {
    const unfinished = await this.jobs.findBy(this.unfinished());
    for (const job of unfinished) await this.markFailed(job.id, why);
    if (unfinished.length > 0) {
      const what = `${this.kind.name.toLowerCase()}(s)`;
      this.logger.warn(`Marked ${unfinished.length} interrupted ${what} as failed`);
    }
    return unfinished.length;
  }

  /** Looks for a stalled job twice per JOB_STALL_TIMEOUT until stopWatching(). */
  watch(ownJobId: OwnJobId): void {
    this.timer = setInterval(
      () => void this.failStalled(ownJobId).catch(() => undefined),
      Math.max(500, this.stallTimeoutMs / 2),
    );
    this.timer.unref();
  }

  stopWatching(): void {
    clearInterval(this.timer);
  }

  /**
   * Ends a job failed where it is still queued or running, freeing the claim; whether it did. Never
   * throws: a database that cannot be written now is looked at again by the next look.
   */
  async markFailed(id: string, why: string): Promise<boolean> {
    const now = new Date();
    const ended = {
      status: 'failed',
      active: null,
      finishedAt: now,
      ...this.kind.interrupted(why, now),
    } as QueryDeepPartialEntity<T>;
    try {
      const where = { id, ...this.unfinished() } as FindOptionsWhere<T>;
      const result = await this.jobs.update(where, ended);
      return result.affected !== 0;
    } catch (error) {
      this.logger.error(
        `Could not end ${this.kind.name} ${id} failed: ${(error as Error).message}`,
      );
      return false;
    }
  }

  /**
   * Stalled: its process on this host is gone (found at once), or no heartbeat for
   * JOB_STALL_TIMEOUT. A queued job that waits on the queue for a process to take it has no process
   * yet: it has stalled only once its queued job is gone as well.
   */
  private async hasStalled(job: T, ownJobId: OwnJobId): Promise<boolean> {
    if (job.id === ownJobId()) return false;
    const queue = this.kind.queue;
    const waitsOnQueue = job.status === 'queued' && queue !== undefined && queue.queues.enabled;
    if (!waitsOnQueue && job.host === hostname() && job.pid !== null) {
      if (job.pid === process.pid || !processIsAlive(job.pid)) return true;
    }
    const lastSign = (job[this.kind.heartbeat] as Date | null) ?? job.createdAt;
    if (Date.now() - lastSign.getTime() <= this.stallTimeoutMs) return false;
    if (waitsOnQueue) {
      const state = await queue.queues.state(queue.name, job.id);
      return state !== 'waiting' && state !== 'delayed' && state !== 'active';
    }
    return true;
  }

  private unfinished(): FindOptionsWhere<T> {
    return { status: In(UNFINISHED) } as FindOptionsWhere<T>;
  }
}

/** Whether a process of this host has the id `pid` (one of another user's counts). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
