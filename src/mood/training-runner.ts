import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppError, knownError } from '../common/errors';
import type { LabelledRow } from './mood-dataset-split';
import { ModelStore } from './model-store';
import type { MoodHyperParameters } from './model/train-mood-model';
import type { TrainingProgress } from './model/training-report';
import { type MoodConfig, moodConfig } from './mood.config';
import { MoodTrainer } from './mood-trainer';
import { TrainingRun } from './training-run.entity';
import { TrainingRunClaims } from './training-run-claims';

/** What a run trains on: its rows and moods, with the hyper-parameters recorded with the run. */
export interface TrainingInput {
  rows: LabelledRow[];
  labels: string[];
  params: MoodHyperParameters;
}

/** How a run ended: its row as recorded, and the error a caller waiting for it gets, if known. */
export interface EndedRun {
  run: TrainingRun;
  /**
   * Where it failed for want of the database (503) or of disk space (507): that error, which the
   * caller may act on; otherwise undefined (the run's own error is in `run.error`).
   */
  failure?: AppError;
}

const PROGRESS_WRITE_INTERVAL_MS = 1000;
/** What a run that the database or a full disk stopped tells its caller, after the cause. */
const DURING_THE_RUN = 'during the training run; no model was stored and the active model is kept';

/**
 * Trains one claimed run in this process: records it running here, writes its heartbeat (the sign
 * of life the other instances look for) and its progress while the worker thread trains, and records
 * its end: succeeded with its model made active in one transaction, or failed.
 */
@Injectable()
export class TrainingRunner {
  private readonly logger = new Logger(TrainingRunner.name);

  constructor(
    @InjectRepository(TrainingRun) private readonly runs: Repository<TrainingRun>,
    private readonly models: ModelStore,
    private readonly trainer: MoodTrainer,
    private readonly claims: TrainingRunClaims,
    @Inject(moodConfig.KEY) private readonly config: MoodConfig,
  ) {}

  /**
   * Trains `run` on `job`, telling `onProgress` each epoch; resolves with the run as it ended
   * (never rejects, so nothing is left rejected and unhandled). A failed run's end is recorded
   * through the claims, which write it again until the database takes it.
   */
  async train(
    run: TrainingRun,
    { rows, labels, params }: TrainingInput,
    onProgress: (progress: TrainingProgress) => void,
  ): Promise<EndedRun> {
    const started = Date.now();
    let lastWrite = 0;
    let latest: TrainingProgress | undefined;
    const stopBeating = this.claims.beat(run.id);
    // Everything from here on is inside the try: a failure (even recording the start) ends the run
    // as failed.
    try {
      run.status = 'running';
      run.startedAt = new Date(started);
      run.heartbeatAt = run.startedAt;
      // The instance training it holds it now (with a queue, maybe not the one that accepted it).
      Object.assign(run, { host: hostname(), pid: process.pid });
      await this.runs.update(run.id, {
        status: run.status,
        startedAt: run.startedAt,
        heartbeatAt: run.heartbeatAt,
        host: run.host,
        pid: run.pid,
      });
      const { backend, trained } = await this.trainer.train(
        { rows, labels, params, backend: this.config.backend },
        (progress) => {
          latest = progress;
          onProgress(progress);
          if (Date.now() - lastWrite >= PROGRESS_WRITE_INTERVAL_MS) {
            lastWrite = Date.now();
            this.runs.update(run.id, { progress }).catch(() => undefined);
          }
        },
        { timeoutMs: this.config.trainingTimeoutMs },
      );
      const model = await this.models.addActive(run.id, trained, async (manager, modelId) => {
        Object.assign(run, {
          status: 'succeeded',
          active: null,
          epochsRun: trained.epochsRun,
          metrics: trained.metrics,
          history: trained.history ?? null,
          backend,
          modelId,
          durationMs: Date.now() - started,
          finishedAt: new Date(),
          progress: latest ?? run.progress,
        });
        // Only a run still running may succeed: one that another instance ended failed (its
        // heartbeat stalled) stays failed, and its model is not made active.
        const recorded = await manager.update(
          TrainingRun,
          { id: run.id, status: 'running' },
          outcomeOf(run),
        );
        if (recorded.affected === 0) {
          throw new Error('the run was ended failed meanwhile (its heartbeat stalled)');
        }
      });
      this.logger.log(
        `Training run ${run.id} succeeded in ${run.durationMs} ms: accuracy ${trained.metrics.accuracy} (${trained.metrics.evaluation}); model ${model.id} active`,
      );
    } catch (error) {
      const failure = error instanceof AppError ? undefined : knownError(error, DURING_THE_RUN);
      Object.assign(run, {
        status: 'failed',
        active: null,
        error: failure?.message ?? (error as Error).message,
        modelId: null,
        durationMs: Date.now() - started,
        finishedAt: new Date(),
        progress: latest ?? run.progress,
      });
      const cause = failure ? ` (${(error as Error).message})` : '';
      this.logger.error(`Training run ${run.id} failed: ${run.error}${cause}`);
      await this.claims.end(run.id, outcomeOf(run));
      return { run, failure };
    } finally {
      stopBeating();
    }
    return { run };
  }
}

/** What a run's end records (not what it was started with). */
function outcomeOf(run: TrainingRun): QueryDeepPartialEntity<TrainingRun> {
  const { status, active, epochsRun, metrics, history, backend, modelId, durationMs } = run;
  const { finishedAt, progress, error } = run;
  return {
    ...{ status, active, epochsRun, backend, modelId, durationMs, finishedAt, error },
    ...({ metrics, history, progress } as QueryDeepPartialEntity<TrainingRun>),
  };
}
