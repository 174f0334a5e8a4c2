import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { In, IsNull, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type ClusterConfig, clusterConfig } from '../cluster/cluster.config';
import { JobQueues } from '../cluster/job-queues';
import { ConflictError } from '../common/errors';
import { TrainingRun } from './training-run.entity';

/** The id of the run this instance is training, if any: never taken for stalled. */
export type OwnRunId = () => string | null;

/**
 * One training at a time across every instance on the database, and no run left running by an
 * instance that died. A run is inserted holding the unique `active` claim (a second is 409 naming
 * the holder); its instance writes `heartbeat_at` while it runs; a run without a heartbeat for
 * JOB_STALL_TIMEOUT (and, where queued, without a live job) is ended failed by whichever instance
 * looks next, which frees the claim.
 */
@Injectable()
export class TrainingRunClaims {
  private readonly logger = new Logger(TrainingRunClaims.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(TrainingRun) private readonly runs: Repository<TrainingRun>,
    private readonly queues: JobQueues,
    @Inject(clusterConfig.KEY) private readonly cluster: ClusterConfig,
  ) {}

  /** Whether other processes may share this database (PostgreSQL, or a queue). */
  get shared(): boolean {
    return this.cluster.databaseUrl !== '' || this.queues.enabled;
  }

  /** How often a running run writes its heartbeat. */
  get heartbeatMs(): number {
    return Math.max(250, Math.round(this.cluster.stallTimeoutMs / 4));
  }

  inProgress(runId: string): ConflictError {
    return new ConflictError(
      `Training run ${runId} is in progress; one training at a time`,
      'TRAINING_IN_PROGRESS',
      { run_id: runId, location: `/api/v1/mood/runs/${runId}` },
    );
  }

  /**
   * Inserts the run holding the claim; where another run holds it, 409 naming that run (after
   * ending it failed and trying again, where its instance has stopped).
   */
  async claim(run: TrainingRun, ownRunId: OwnRunId): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.runs.insert(run as QueryDeepPartialEntity<TrainingRun>);
        return;
      } catch (error) {
        if (!(error instanceof QueryFailedError)) throw error;
        const holder = await this.runs.findOneBy({ active: 1 });
        if (!holder) {
          if (attempt < 2) continue;
          throw error;
        }
        if (attempt < 2 && (await this.hasStalled(holder, ownRunId))) {
          await this.markFailed(holder.id, 'the instance training it stopped');
          continue;
        }
        throw this.inProgress(holder.id);
      }
    }
  }

  /**
   * At start-up: a run left queued or running by a crash or a kill can never finish, so it is
   * failed. Alone on its database (SQLite, no queue) every such run is this process's; on a shared
   * one, only those whose instance has stopped (and those recorded before runs held a claim).
   */
  async failInterrupted(ownRunId: OwnRunId): Promise<void> {
    const unfinished = { status: In(['queued', 'running']) };
    const interrupted = this.shared
      ? await this.runs.findBy({ ...unfinished, active: IsNull() })
      : await this.runs.findBy(unfinished);
    for (const run of interrupted) {
      await this.markFailed(run.id, 'the service stopped');
    }
    if (interrupted.length > 0) {
      this.logger.warn(`Marked ${interrupted.length} interrupted training run(s) as failed`);
    }
    if (this.shared) await this.failStalled(ownRunId);
  }

  /** On a shared database, looks for a stalled run twice per JOB_STALL_TIMEOUT. */
  watchForStalledRuns(ownRunId: OwnRunId): void {
    if (!this.shared) return;
    this.timer = setInterval(
      () => void this.failStalled(ownRunId).catch(() => undefined),
      Math.max(500, this.cluster.stallTimeoutMs / 2),
    );
    this.timer.unref();
  }

  stopWatching(): void {
    clearInterval(this.timer);
  }

  /** Ends failed the active run of an instance that has stopped (see hasStalled). */
  async failStalled(ownRunId: OwnRunId): Promise<void> {
    const holder = await this.runs.findOneBy({ active: 1 });
    if (holder && (await this.hasStalled(holder, ownRunId))) {
      this.logger.warn(`Training run ${holder.id} stalled: its instance stopped; ending it failed`);
      await this.markFailed(holder.id, 'the instance training it stopped');
    }
  }

  /** Ends a run failed where it is still queued or running, freeing the claim; never throws. */
  async markFailed(runId: string, why: string): Promise<void> {
    await this.runs
      .update(
        { id: runId, status: In(['queued', 'running']) },
        {
          status: 'failed',
          active: null,
          error: `Interrupted: ${why} before the run finished`,
          finishedAt: new Date(),
        },
      )
      .catch((error: unknown) =>
        this.logger.error(`Could not end run ${runId} failed: ${(error as Error).message}`),
      );
  }

  /**
   * Stalled: its process on this host is gone (found at once, as for catalog imports), or no
   * heartbeat for JOB_STALL_TIMEOUT. A queued run that waits on the queue for an instance to take it
   * is not stalled, only one whose job is gone.
   */
  private async hasStalled(run: TrainingRun, ownRunId: OwnRunId): Promise<boolean> {
    if (run.id === ownRunId()) return false;
    const waitsOnQueue = run.status === 'queued' && this.queues.enabled;
    if (!waitsOnQueue && run.host === hostname() && run.pid !== null) {
      if (run.pid === process.pid || !processIsAlive(run.pid)) return true;
    }
    const lastSign = (run.heartbeatAt ?? run.createdAt).getTime();
    if (Date.now() - lastSign <= this.cluster.stallTimeoutMs) return false;
    if (waitsOnQueue) {
      const state = await this.queues.state('mood-training', run.id);
      return state !== 'waiting' && state !== 'delayed' && state !== 'active';
    }
    return true;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
