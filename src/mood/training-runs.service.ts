import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { In, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type ClusterConfig, clusterConfig } from '../cluster/cluster.config';
import { JobQueues } from '../cluster/job-queues';
import { AppError, NotFoundError } from '../common/errors';
import { withAdvisoryLock } from '../database/advisory-lock';
import { type ParsedTracks, parseTracksBody } from '../common/tracks';
import { DefaultDataset } from './default-dataset';
import type {
  TrainingRunListResponseDto,
  TrainingRunResponseDto,
} from './dto/training-run-response.dto';
import { LABELLED_TRACKS, labelledDatasetSha256, toLabelledRows } from './labelled-dataset';
import { ModelStore } from './model-store';
import { type MoodConfig, moodConfig } from './mood.config';
import { toRunView } from './mood.views';
import type { LabelledRow } from './mood-dataset-split';
import type { MoodHyperParameters, TrainingProgress } from './mood-engine';
import { MoodTrainer } from './mood-trainer';
import { type DatasetSource, TrainingRun } from './training-run.entity';
import { TrainingRunClaims } from './training-run-claims';

/** A run the caller can wait for (sync answer) or poll (Prefer: respond-async). */
export interface StartedRun {
  run: TrainingRunResponseDto;
  finished: Promise<TrainingRunResponseDto>;
  /** Waits for the run: its summary, or 500 TRAINING_FAILED naming the run and the cause. */
  result(): Promise<TrainingRunResponseDto>;
}

interface RunningTraining {
  runId: string;
  progress?: TrainingProgress;
  finished?: Promise<TrainingRunResponseDto>;
}

/**
 * A queued training job: the run to train, its rows (small: numbers, not the posted body) and the
 * hyper-parameters of the instance that accepted it (recorded with the run).
 */
export interface TrainingJobData {
  runId: string;
  rows: LabelledRow[];
  labels: string[];
  params: MoodHyperParameters;
}

const PROGRESS_WRITE_INTERVAL_MS = 1000;
/** How often a caller waiting for a run that another instance trains looks at its row. */
const RUN_POLL_MS = 200;

/**
 * Training runs: each recorded (queued) before it starts, one at a time across every instance on
 * the database (the run holds the unique `active` claim; a second request is 409 naming it),
 * trained in a worker thread, and recorded as succeeded (its model active, through ModelStore) or
 * failed. With a job queue (REDIS_URL) the run is a BullMQ job that any instance running jobs takes;
 * without one, the instance that accepted it trains it. A run whose instance stops writing its
 * heartbeat for JOB_STALL_TIMEOUT is ended failed by the others. Where no model is active at
 * start-up and the default dataset is on disk, one instance trains one.
 */
@Injectable()
export class TrainingRunsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TrainingRunsService.name);
  /** The run this instance trains, if any. */
  private running?: RunningTraining;
  private stopping = false;
  /** The id of the run this instance trains, for the claims (never stalled while it trains). */
  private readonly ownRunId = () => this.running?.runId ?? null;

  constructor(
    @InjectRepository(TrainingRun) private readonly runs: Repository<TrainingRun>,
    private readonly models: ModelStore,
    private readonly trainer: MoodTrainer,
    private readonly defaultDataset: DefaultDataset,
    private readonly queues: JobQueues,
    private readonly claims: TrainingRunClaims,
    @Inject(moodConfig.KEY) private readonly config: MoodConfig,
    @Inject(clusterConfig.KEY) private readonly cluster: ClusterConfig,
  ) {}

  /** Runs after ModelStore has loaded the active model (Nest inits every module first). */
  async onApplicationBootstrap(): Promise<void> {
    await this.claims.failInterrupted(this.ownRunId);
    this.queues.process<TrainingJobData>(
      'mood-training',
      (job) => this.trainQueued(job),
      (runId) => this.claims.markFailed(runId, 'the instance training it stopped'),
    );
    this.claims.watchForStalledRuns(this.ownRunId);
    if (this.config.trainOnStart && this.defaultDataset.isOnDisk()) {
      this.trainFirstModel().catch((error: unknown) =>
        this.logger.error(`First-start training could not start: ${(error as Error).message}`),
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.claims.stopWatching();
    const finished = this.running?.finished;
    await this.trainer.stopAll();
    await finished?.catch(() => undefined);
  }

  /** The run in progress, if any. */
  get runningRunId(): string | null {
    return this.running?.runId ?? null;
  }

  /** Retrains on a labelled dataset from a request (tracks with `tag`, parsed by TracksBodyPipe). */
  startTraining(dataset: ParsedTracks<never>): Promise<StartedRun> {
    return this.start('request', dataset);
  }

  /** Retrains on the default dataset (downloaded once where it is not on disk). */
  async trainDefault(): Promise<StartedRun> {
    this.assertIdle();
    const file = await this.defaultDataset.read();
    let dataset: ParsedTracks<never>;
    try {
      dataset = parseTracksBody(file.body, LABELLED_TRACKS);
    } catch (error) {
      const detail = error instanceof AppError ? `: ${error.message}` : '';
      throw new AppError(500, 'DATASET_INVALID', `The default mood dataset is unusable${detail}`);
    }
    return this.start('default', dataset);
  }

  /** Runs newest first, without their per-epoch history (GET one run for it). */
  async listRuns(limit: number, offset: number): Promise<TrainingRunListResponseDto> {
    const [runs, total] = await this.runs.findAndCount({
      select: this.runs.metadata.columns
        .map((column) => column.propertyName as keyof TrainingRun)
        .filter((property) => property !== 'history'),
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { runs: runs.map((run) => this.view(run)), total, limit, offset };
  }

  /** One run with its per-epoch history; while it runs, its latest progress. */
  async getRun(id: string): Promise<TrainingRunResponseDto> {
    const run = await this.runs.findOneBy({ id });
    if (!run) throw new NotFoundError(`No training run ${id}`, 'RUN_NOT_FOUND');
    return { ...this.view(run), history: run.history };
  }

  private assertIdle(): void {
    if (this.running) throw this.claims.inProgress(this.running.runId);
  }

  private async start(source: DatasetSource, dataset: ParsedTracks<never>): Promise<StartedRun> {
    const params = this.config.hyperParameters;
    const { rows, labels } = toLabelledRows(dataset, params);
    this.assertIdle();
    const runId = randomUUID();
    const now = new Date();
    const run = this.runs.create({
      id: runId,
      status: 'queued',
      active: 1,
      heartbeatAt: now,
      host: hostname(),
      pid: process.pid,
      datasetSource: source,
      datasetSha256: labelledDatasetSha256(dataset.tracks),
      rowsUsed: rows.length,
      rowsSkipped: dataset.skipped.length,
      hyperParameters: { ...params, labels },
      progress: null,
      history: null,
      epochsRun: null,
      metrics: null,
      error: null,
      backend: null,
      modelId: null,
      durationMs: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    });
    let finished: Promise<TrainingRunResponseDto>;
    if (this.queues.enabled) {
      await this.claims.claim(run, this.ownRunId);
      try {
        await this.queues.add('mood-training', runId, {
          runId,
          rows,
          labels,
          params,
        } satisfies TrainingJobData);
      } catch (error) {
        await this.claims.markFailed(runId, `it could not be queued (${(error as Error).message})`);
        throw error;
      }
      this.logger.log(`Training run ${runId} queued (${source} dataset, ${rows.length} rows)`);
      finished = this.waitFor(runId);
    } else {
      // Reserved before the first await, so a concurrent request in this process gets 409 at once.
      const running: RunningTraining = { runId };
      this.running = running;
      try {
        await this.claims.claim(run, this.ownRunId);
      } catch (error) {
        this.running = undefined;
        throw error;
      }
      this.logger.log(`Training run ${runId} queued (${source} dataset, ${rows.length} rows)`);
      finished = this.execute(run, rows, labels, params).finally(() => {
        if (this.running === running) this.running = undefined;
      });
      running.finished = finished;
    }
    return {
      run: this.view(run),
      finished,
      result: async () => {
        const view = await finished;
        if (view.status === 'failed') {
          throw new AppError(
            500,
            'TRAINING_FAILED',
            `Training run ${view.id} failed: ${view.error}`,
            {
              run_id: view.id,
            },
          );
        }
        return view;
      },
    };
  }

  /** Trains a run that came off the queue on this instance (ROLE worker or all). */
  private async trainQueued({ runId, rows, labels, params }: TrainingJobData): Promise<void> {
    const run = await this.runs.findOneBy({ id: runId });
    if (!run || run.status !== 'queued' || this.stopping) {
      this.logger.warn(`Training job ${runId} skipped: its run is ${run?.status ?? 'gone'}`);
      return;
    }
    const running: RunningTraining = { runId };
    this.running = running;
    try {
      running.finished = this.execute(run, rows, labels, params);
      await running.finished;
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  /** The run's view once it has ended, trained by whichever instance took it. */
  private async waitFor(runId: string): Promise<TrainingRunResponseDto> {
    for (;;) {
      await sleep(RUN_POLL_MS);
      const run = await this.runs.findOneBy({ id: runId }).catch(() => null);
      if (run && (run.status === 'succeeded' || run.status === 'failed')) return this.view(run);
      if (this.stopping) {
        if (run) return this.view(run);
        throw new AppError(503, 'SHUTTING_DOWN', 'The service is shutting down');
      }
    }
  }

  private async execute(
    run: TrainingRun,
    rows: LabelledRow[],
    labels: string[],
    params: MoodHyperParameters,
  ): Promise<TrainingRunResponseDto> {
    const started = Date.now();
    let lastWrite = 0;
    // The sign of life the other instances look for (see failStalledRuns).
    const heartbeat = setInterval(
      () => void this.runs.update(run.id, { heartbeatAt: new Date() }).catch(() => undefined),
      this.claims.heartbeatMs,
    );
    // Everything from here on is inside the try: a failure (even recording the start) ends the run
    // as failed, so `finished` always resolves and nothing is left rejected and unhandled.
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
          if (this.running?.runId === run.id) this.running.progress = progress;
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
          progress: this.running?.progress ?? run.progress,
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
        progress: this.running?.progress ?? run.progress,
      });
      this.logger.error(`Training run ${run.id} failed: ${run.error}`);
      await this.runs
        .update({ id: run.id, status: In(['queued', 'running']) }, outcomeOf(run))
        .catch((saveError: unknown) =>
          this.logger.error(`Could not record the failure of run ${run.id}: ${String(saveError)}`),
        );
    } finally {
      clearInterval(heartbeat);
    }
    return this.view(run);
  }

  /**
   * Trains a first model where none is active, once across instances starting together: the check
   * and the run's claim happen under an advisory lock on PostgreSQL (SQLite has one instance).
   */
  private async trainFirstModel(): Promise<void> {
    const claimFirst = async () => {
      const [activeModel, activeRun] = await Promise.all([
        this.models.hasActiveInDatabase(),
        this.runs.findOneBy({ active: 1 }),
      ]);
      if (activeModel || activeRun) return;
      this.logger.log(
        'No active mood model: training one on the default dataset in the background',
      );
      await this.trainDefault();
    };
    if (this.cluster.databaseUrl) {
      await withAdvisoryLock(
        this.cluster.databaseUrl,
        `${this.cluster.prefix}:first-model`,
        claimFirst,
      );
    } else {
      await claimFirst();
    }
  }

  private view(run: TrainingRun): TrainingRunResponseDto {
    return toRunView(run, this.running?.runId === run.id ? this.running.progress : undefined);
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
