import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { type ClusterConfig, clusterConfig } from '../cluster/cluster.config';
import { JobClaims, type OwnJobId } from '../cluster/job-claims';
import { JobQueues } from '../cluster/job-queues';
import { ConflictError } from '../common/errors';
import { TrainingRun } from './training-run.entity';

/**
 * One training at a time across every instance on the database (see JobClaims): a run holds the
 * claim from the request to its end, and one whose instance stopped is ended failed by the others.
 * A queued run waits on the BullMQ queue (where there is one) for an instance to take it.
 */
@Injectable()
export class TrainingRunClaims extends JobClaims<TrainingRun> {
  constructor(
    @InjectRepository(TrainingRun) runs: Repository<TrainingRun>,
    private readonly queues: JobQueues,
    @Inject(clusterConfig.KEY) private readonly cluster: ClusterConfig,
  ) {
    super(
      runs,
      {
        name: 'Training run',
        heartbeat: 'heartbeatAt',
        inProgress: (runId) =>
          new ConflictError(
            `Training run ${runId} is in progress; one training at a time`,
            'TRAINING_IN_PROGRESS',
            { run_id: runId, location: `/api/v1/mood/runs/${runId}` },
          ),
        stalledBecause: 'the instance training it stopped',
        interrupted: (why) => ({ error: `Interrupted: ${why} before the run finished` }),
        queue: { queues, name: 'mood-training' },
      },
      cluster.stallTimeoutMs,
    );
  }

  /** Whether other processes may share this database (PostgreSQL, or a queue). */
  get shared(): boolean {
    return this.cluster.databaseUrl !== '' || this.queues.enabled;
  }

  /**
   * At start-up: a run left queued or running by a crash or a kill can never finish, so it is
   * failed. Alone on its database (SQLite, no queue) every such run is this process's; on a shared
   * one, only those that have stalled.
   */
  async failInterrupted(ownRunId: OwnJobId): Promise<void> {
    if (this.shared) await this.failStalled(ownRunId);
    else await this.failUnfinished('the service stopped');
  }

  /** On a shared database, looks for stalled runs twice per JOB_STALL_TIMEOUT. */
  watchForStalledRuns(ownRunId: OwnJobId): void {
    if (this.shared) this.watch(ownRunId);
  }
}
