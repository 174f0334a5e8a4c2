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
import { Repository } from 'typeorm';
import { type ClusterConfig, clusterConfig } from '../cluster/cluster.config';
import { JobQueues } from '../cluster/job-queues';
import { AppError, NotFoundError, withDetails } from '../common/errors';
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
import type { TrainingProgress } from './model/training-report';
import { MoodTrainer } from './mood-trainer';
import { type DatasetSource, TrainingRun } from './training-run.entity';
import { TrainingRunClaims } from './training-run-claims';
import { type EndedRun, type TrainingInput, TrainingRunner } from './training-runner';

/** A run the caller can wait for (sync answer) or poll (Prefer: respond-async). */
export interface StartedRun {
  run: TrainingRunResponseDto;
  finished: Promise<TrainingRunResponseDto>;
  /**
   * Waits for the run: its summary; where it failed, 503 DATABASE_UNAVAILABLE or 507
   * INSUFFICIENT_STORAGE when that stopped it, else 500 TRAINING_FAILED, naming the run.
   */
  result(): Promise<TrainingRunResponseDto>;
}

interface RunningTraining {
  runId: string;
  progress?: TrainingProgress;
  finished?: Promise<EndedView>;
}

/** A run's view once it has ended, with the error its caller gets where that is known. */
interface EndedView {
  view: TrainingRunResponseDto;
  failure?: AppError;
}

/**
 * A queued training job: the run to train and what it trains on (small: numbers, not the posted
 * body), with the hyper-parameters of the instance that accepted it.
 */
interface TrainingJobData extends TrainingInput {
  runId: string;
}

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
    private readonly runner: TrainingRunner,
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

  /** Retrains on a labelled dataset from a request (rows with a `tag`, read by ListeningBodyPipe). */
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
    const run = this.newRun(source, dataset, rows.length, { ...params, labels });
    // With a queue, Redis known to be away is 503 QUEUE_UNAVAILABLE before anything is recorded.
    if (this.queues.enabled) this.queues.assertReachable();
    // Without a queue this instance trains it: reserved before the first await, so that a
    // concurrent request in this process gets 409 at once.
    const running: RunningTraining | undefined = this.queues.enabled
      ? undefined
      : (this.running = { runId: run.id });
    try {
      await this.claims.claim(run, this.ownRunId);
    } catch (error) {
      if (running && this.running === running) this.running = undefined;
      throw error;
    }
    if (!running) await this.enqueue({ runId: run.id, rows, labels, params });
    this.logger.log(`Training run ${run.id} queued (${source} dataset, ${rows.length} rows)`);
    const ended: Promise<EndedView> = running
      ? this.trainHere(running, run, { rows, labels, params })
      : this.waitFor(run.id).then((view) => ({ view }));
    return {
      run: this.view(run),
      finished: ended.then(({ view }) => view),
      result: async () => {
        const { view, failure } = await ended;
        if (view.status !== 'failed') return view;
        const error =
          failure ??
          new AppError(500, 'TRAINING_FAILED', `Training run ${view.id} failed: ${view.error}`);
        throw withDetails(error, { run_id: view.id });
      },
    };
  }

  /** The run as recorded before it starts, holding the claim. */
  private newRun(
    source: DatasetSource,
    dataset: ParsedTracks<never>,
    rowsUsed: number,
    hyperParameters: Record<string, unknown>,
  ): TrainingRun {
    const now = new Date();
    return this.runs.create({
      id: randomUUID(),
      status: 'queued',
      active: 1,
      heartbeatAt: now,
      host: hostname(),
      pid: process.pid,
      datasetSource: source,
      datasetSha256: labelledDatasetSha256(dataset.tracks),
      rowsUsed,
      rowsSkipped: dataset.skipped.length,
      hyperParameters,
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
  }

  /**
   * Puts a claimed run on the queue, for whichever instance running jobs takes it first. Where
   * Redis does not take it (503 QUEUE_UNAVAILABLE to the caller), the run is ended failed: should
   * the job reach the queue after all, its taker finds the run no longer queued and skips it, so a
   * refused request is never trained behind its caller's back.
   */
  private async enqueue(job: TrainingJobData): Promise<void> {
    try {
      await this.queues.add('mood-training', job.runId, job);
    } catch (error) {
      await this.claims.end(job.runId, {
        status: 'failed',
        active: null,
        finishedAt: new Date(),
        error: `Not queued: ${(error as Error).message}`,
      });
      throw error;
    }
  }

  /** Trains a run that came off the queue on this instance (ROLE worker or all). */
  private async trainQueued({ runId, ...input }: TrainingJobData): Promise<void> {
    const run = await this.runs.findOneBy({ id: runId });
    if (!run || run.status !== 'queued' || this.stopping) {
      this.logger.warn(`Training job ${runId} skipped: its run is ${run?.status ?? 'gone'}`);
      return;
    }
    this.running = { runId };
    await this.trainHere(this.running, run, input);
  }

  /** Trains the run in this instance, as `running`; its view once it ends. */
  private trainHere(
    running: RunningTraining,
    run: TrainingRun,
    input: TrainingInput,
  ): Promise<EndedView> {
    running.finished = this.runner
      .train(run, input, (progress) => (running.progress = progress))
      .then(({ run: ended, failure }: EndedRun) => ({ view: this.view(ended), failure }))
      .finally(() => {
        if (this.running === running) this.running = undefined;
      });
    return running.finished;
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
