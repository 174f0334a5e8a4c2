import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { AppError, ConflictError, NotFoundError } from '../common/errors';
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
import type { TrainingProgress } from './mood-engine';
import { MoodTrainer } from './mood-trainer';
import { type DatasetSource, TrainingRun } from './training-run.entity';

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

const PROGRESS_WRITE_INTERVAL_MS = 1000;

/**
 * Training runs: each recorded (queued) before it starts, one at a time (a second is 409), trained in
 * a worker thread, and recorded as succeeded (its model active, through ModelStore) or failed. At
 * start-up, runs a crash left queued or running are marked failed, and where no model is active and
 * the default dataset is on disk, one is trained in the background.
 */
@Injectable()
export class TrainingRunsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TrainingRunsService.name);
  private running?: RunningTraining;

  constructor(
    @InjectRepository(TrainingRun) private readonly runs: Repository<TrainingRun>,
    private readonly models: ModelStore,
    private readonly trainer: MoodTrainer,
    private readonly defaultDataset: DefaultDataset,
    @Inject(moodConfig.KEY) private readonly config: MoodConfig,
  ) {}

  /** Runs after ModelStore has loaded the active model (Nest inits every module first). */
  async onApplicationBootstrap(): Promise<void> {
    await this.failInterruptedRuns();
    if (!this.models.active && this.config.trainOnStart && this.defaultDataset.isOnDisk()) {
      this.logger.log(
        'No active mood model: training one on the default dataset in the background',
      );
      this.trainDefault().catch((error: unknown) =>
        this.logger.error(`First-start training could not start: ${(error as Error).message}`),
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
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
    if (this.running) {
      throw new ConflictError(
        `Training run ${this.running.runId} is in progress; one training at a time`,
        'TRAINING_IN_PROGRESS',
        { run_id: this.running.runId, location: `/api/v1/mood/runs/${this.running.runId}` },
      );
    }
  }

  private async start(source: DatasetSource, dataset: ParsedTracks<never>): Promise<StartedRun> {
    const params = this.config.hyperParameters;
    const { rows, labels } = toLabelledRows(dataset, params);
    this.assertIdle();
    // Reserved before the first await, so a concurrent request sees it and gets 409.
    const runId = randomUUID();
    const running: RunningTraining = { runId };
    this.running = running;
    let run: TrainingRun;
    try {
      run = await this.runs.save(
        this.runs.create({
          id: runId,
          status: 'queued',
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
          createdAt: new Date(),
          startedAt: null,
          finishedAt: null,
        }),
      );
    } catch (error) {
      this.running = undefined;
      throw error;
    }
    this.logger.log(`Training run ${runId} queued (${source} dataset, ${rows.length} rows)`);
    const finished = this.execute(run, rows, labels).finally(() => {
      if (this.running === running) this.running = undefined;
    });
    running.finished = finished;
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

  private async execute(
    run: TrainingRun,
    rows: LabelledRow[],
    labels: string[],
  ): Promise<TrainingRunResponseDto> {
    const started = Date.now();
    let lastWrite = 0;
    // Everything from here on is inside the try: a failure (even recording the start) ends the run
    // as failed, so `finished` always resolves and nothing is left rejected and unhandled.
    try {
      run.status = 'running';
      run.startedAt = new Date(started);
      await this.runs.update(run.id, { status: run.status, startedAt: run.startedAt });
      const { backend, trained } = await this.trainer.train(
        { rows, labels, params: this.config.hyperParameters, backend: this.config.backend },
        (progress) => {
          if (this.running?.runId === run.id) this.running.progress = progress;
          if (Date.now() - lastWrite >= PROGRESS_WRITE_INTERVAL_MS) {
            lastWrite = Date.now();
            this.runs.update(run.id, { progress }).catch(() => undefined);
          }
        },
        { timeoutMs: this.config.trainingTimeoutMs },
      );
      const model = await this.models.addActive(run.id, trained, (manager, modelId) => {
        Object.assign(run, {
          status: 'succeeded',
          epochsRun: trained.epochsRun,
          metrics: trained.metrics,
          history: trained.history ?? null,
          backend,
          modelId,
          durationMs: Date.now() - started,
          finishedAt: new Date(),
          progress: this.running?.progress ?? run.progress,
        });
        return manager.save(TrainingRun, run);
      });
      this.logger.log(
        `Training run ${run.id} succeeded in ${run.durationMs} ms: accuracy ${trained.metrics.accuracy} (${trained.metrics.evaluation}); model ${model.id} active`,
      );
    } catch (error) {
      Object.assign(run, {
        status: 'failed',
        error: (error as Error).message,
        modelId: null,
        durationMs: Date.now() - started,
        finishedAt: new Date(),
        progress: this.running?.progress ?? run.progress,
      });
      this.logger.error(`Training run ${run.id} failed: ${run.error}`);
      await this.runs
        .save(run)
        .catch((saveError: unknown) =>
          this.logger.error(`Could not record the failure of run ${run.id}: ${String(saveError)}`),
        );
    }
    return this.view(run);
  }

  /** A run left queued or running by a crash or a kill can never finish: mark it failed. */
  private async failInterruptedRuns(): Promise<void> {
    const interrupted = await this.runs.findBy({ status: In(['queued', 'running']) });
    for (const run of interrupted) {
      await this.runs.update(run.id, {
        status: 'failed',
        error: 'Interrupted: the service stopped before the run finished',
        finishedAt: new Date(),
      });
    }
    if (interrupted.length > 0) {
      this.logger.warn(`Marked ${interrupted.length} interrupted training run(s) as failed`);
    }
  }

  private view(run: TrainingRun): TrainingRunResponseDto {
    return toRunView(run, this.running?.runId === run.id ? this.running.progress : undefined);
  }
}
