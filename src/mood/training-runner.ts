import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { In, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
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

const PROGRESS_WRITE_INTERVAL_MS = 1000;

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
   * (never rejects, so nothing is left rejected and unhandled).
   */
  async train(
    run: TrainingRun,
    { rows, labels, params }: TrainingInput,
    onProgress: (progress: TrainingProgress) => void,
  ): Promise<TrainingRun> {
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
      Object.assign(run, {
        status: 'failed',
        active: null,
        error: (error as Error).message,
        modelId: null,
        durationMs: Date.now() - started,
        finishedAt: new Date(),
        progress: latest ?? run.progress,
      });
      this.logger.error(`Training run ${run.id} failed: ${run.error}`);
      await this.runs
        .update({ id: run.id, status: In(['queued', 'running']) }, outcomeOf(run))
        .catch((saveError: unknown) =>
          this.logger.error(`Could not record the failure of run ${run.id}: ${String(saveError)}`),
        );
    } finally {
      stopBeating();
    }
    return run;
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
