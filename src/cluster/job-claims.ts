import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { type FindOptionsWhere, In, QueryFailedError, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type ConflictError, isDatabaseUnavailable, knownError } from '../common/errors';
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

/** Why a queued job whose entry on the queue is gone has stalled. */
const LOST_FROM_QUEUE = 'its job is no longer on the queue (Redis lost it)';

/** How an attempt to record a job's end went. */
type EndWritten = 'written' | 'already-ended' | 'failed';

/**
 * One job of a kind at a time across every process on the database, and none left running by a
 * process that died. A job is inserted holding the unique `active` claim (a second is 409 naming
 * the holder); its process writes the heartbeat while it runs; a job whose process on this host is
 * gone, or whose heartbeat is older than JOB_STALL_TIMEOUT (and, where it waits on a queue, whose
 * queued job is gone too), has stalled, and whichever process looks next ends it failed, which
 * frees the claim.
 *
 * The database may be away (restarting, stopped, its disk full) when a job ends: its end is then
 * kept and written again until it lands (see end), and a heartbeat that could not be written while
 * this process could not reach the database either is not held against the job (see stalledBecause).
 */
export class JobClaims<T extends ClaimedJob> {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  /** Ends of this process's jobs that the database did not take yet, by job id. */
  private readonly pendingEnds = new Map<string, QueryDeepPartialEntity<T>>();
  private retryTimer?: NodeJS.Timeout;
  private retrying = false;
  /** When this process last found the database unreachable (0: never). */
  private unreachableAt = 0;

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
        this.noteFailure(error);
        // Not a second claim but the database away or full: the caller's 503 or 507.
        if (!(error instanceof QueryFailedError) || knownError(error)) throw error;
        const holder = await this.jobs.findOneBy({ active: 1 } as FindOptionsWhere<T>);
        if (!holder) {
          if (attempt < 2) continue;
          throw error;
        }
        const why = attempt < 2 ? await this.stalledBecause(holder, ownJobId) : null;
        if (why) {
          await this.markFailed(holder.id, why);
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
      void this.jobs.update(id, sign).catch((error: unknown) => this.noteFailure(error));
    }, this.heartbeatMs);
    return () => clearInterval(timer);
  }

  /**
   * Records how this process's job `id` ended (`values`: its status, error and end time; the claim
   * is freed) where it is still queued or running; whether it was written now. Where the database
   * cannot take it now (down, restarting, its disk full), the end is kept and written again every
   * second until it lands, so that the job is never left running; meanwhile a look at the job (a
   * claim, the stall watch) finds it stalled and writes this end, not a guess. Never throws.
   */
  async end(id: string, values: QueryDeepPartialEntity<T>): Promise<boolean> {
    const outcome = await this.writeEnd(id, values);
    if (outcome !== 'failed') return outcome === 'written';
    this.logger.warn(
      `${this.kind.name} ${id}: its end could not be recorded yet; trying again every ${this.retryMs} ms`,
    );
    this.pendingEnds.set(id, values);
    if (!this.retryTimer) {
      this.retryTimer = setInterval(() => void this.retryPendingEnds(), this.retryMs);
      this.retryTimer.unref();
    }
    return false;
  }

  /** Ends failed every queued or running job that has stalled; how many it ended. */
  async failStalled(ownJobId: OwnJobId): Promise<number> {
    let unfinished: T[];
    try {
      unfinished = await this.jobs.findBy(this.unfinished());
    } catch (error) {
      this.noteFailure(error);
      throw error;
    }
    let ended = 0;
    for (const job of unfinished) {
      const why = await this.stalledBecause(job, ownJobId);
      if (!why) continue;
      if (!this.pendingEnds.has(job.id))
        this.logger.warn(`${this.kind.name} ${job.id} stalled: ${why}`);
      if (await this.markFailed(job.id, why)) ended += 1;
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

  /** Stops the stall watch and the writing again of ends not recorded yet (at shutdown). */
  stopWatching(): void {
    clearInterval(this.timer);
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * Ends a job failed where it is still queued or running, freeing the claim; whether it did. A job
   * of this process whose end is not recorded yet is ended as it really did (see end). Never
   * throws: a database that cannot be written now is looked at again by the next look.
   */
  async markFailed(id: string, why: string): Promise<boolean> {
    const now = new Date();
    const interrupted = {
      status: 'failed',
      active: null,
      finishedAt: now,
      ...this.kind.interrupted(why, now),
    } as QueryDeepPartialEntity<T>;
    const ended = this.pendingEnds.get(id) ?? interrupted;
    const outcome = await this.writeEnd(id, ended);
    if (outcome === 'failed') return false;
    if (this.pendingEnds.delete(id) && outcome === 'written') {
      this.logger.log(`${this.kind.name} ${id}: its end recorded`);
    }
    return outcome === 'written';
  }

  private get retryMs(): number {
    return Math.min(1000, this.heartbeatMs);
  }

  /** Writes `values` to job `id` where it is unfinished; never throws. */
  private async writeEnd(id: string, values: QueryDeepPartialEntity<T>): Promise<EndWritten> {
    try {
      const where = { id, ...this.unfinished() } as FindOptionsWhere<T>;
      const result = await this.jobs.update(where, values);
      return result.affected === 0 ? 'already-ended' : 'written';
    } catch (error) {
      this.noteFailure(error);
      this.logger.error(
        `Could not record the end of ${this.kind.name} ${id}: ${(error as Error).message}`,
      );
      return 'failed';
    }
  }

  /** One more try at every end not recorded yet; stops trying once none is left. */
  private async retryPendingEnds(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      for (const [id, values] of this.pendingEnds) {
        const outcome = await this.writeEnd(id, values);
        if (outcome === 'failed') return; // still away: the next try
        this.pendingEnds.delete(id);
        if (outcome === 'written') this.logger.log(`${this.kind.name} ${id}: its end recorded`);
      }
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
    } finally {
      this.retrying = false;
    }
  }

  /** Remembers when the database could not be reached (see stalledBecause). */
  private noteFailure(error: unknown): void {
    if (isDatabaseUnavailable(error)) this.unreachableAt = Date.now();
  }

  /**
   * Why `job` has stalled, or null while it has not: its process on this host is gone (found at
   * once), or no heartbeat for JOB_STALL_TIMEOUT. A queued job that waits on the queue for a
   * process to take it has no process yet: it has stalled only once its queued job is gone as
   * well (null while the queue cannot say). The timeout counts only from when this process last
   * found the database unreachable: a heartbeat that could not be written then is no sign of death.
   */
  private async stalledBecause(job: T, ownJobId: OwnJobId): Promise<string | null> {
    if (job.id === ownJobId()) return null;
    const queue = this.kind.queue;
    const waitsOnQueue = job.status === 'queued' && queue !== undefined && queue.queues.enabled;
    if (!waitsOnQueue && job.host === hostname() && job.pid !== null) {
      if (job.pid === process.pid || !processIsAlive(job.pid)) return this.kind.stalledBecause;
    }
    const lastSign = (job[this.kind.heartbeat] as Date | null) ?? job.createdAt;
    const silentSince = Math.max(lastSign.getTime(), this.unreachableAt);
    if (Date.now() - silentSince <= this.stallTimeoutMs) return null;
    if (!waitsOnQueue) return this.kind.stalledBecause;
    const state = await queue.queues.state(queue.name, job.id).catch(() => null);
    if (state === 'missing') return LOST_FROM_QUEUE;
    return state === 'completed' || state === 'failed' ? this.kind.stalledBecause : null;
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
