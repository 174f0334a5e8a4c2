import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource, In, Repository } from 'typeorm';
import {
  AppError,
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationFailedError,
} from '../common/errors';
import { type ParsedTracks, parseTracksBody } from '../common/tracks';
import { moodConfig } from './mood.config';
import { DefaultDataset, sha256Of } from './default-dataset';
import { datasetProblems, type LabelledRow } from './mood-dataset-split';
import {
  type LoadedMoodModel,
  type MoodArtifact,
  MoodEngine,
  type MoodHyperParameters,
  type TrainingProgress,
  WEIGHTS_FILE,
} from './mood-engine';
import { argmax, round } from '../common/numeric';
import { combineTrackProbabilities } from './mood-evaluation';
import { engineerFeatures } from './mood-features';
import { MoodModel } from './mood-model.entity';
import { MoodTrainer } from './mood-trainer';
import { type DatasetSource, TrainingRun } from './training-run.entity';
import type { MoodModelResponseDto, PredictMoodResponseDto } from './dto/predict-mood-response.dto';
import type {
  TrainingRunListResponseDto,
  TrainingRunResponseDto,
} from './dto/training-run-response.dto';

/** A run the caller can wait for (sync answer) or poll (Prefer: respond-async). */
export interface StartedRun {
  run: TrainingRunResponseDto;
  finished: Promise<TrainingRunResponseDto>;
  /** Waits for the run: its summary, or 500 TRAINING_FAILED naming the run and the cause. */
  result(): Promise<TrainingRunResponseDto>;
}

interface ActiveModel {
  row: Omit<MoodModel, 'weightsBase64' | 'modelJson'>;
  loaded: LoadedMoodModel;
}

interface RunningTraining {
  runId: string;
  progress?: TrainingProgress;
  finished?: Promise<TrainingRunResponseDto>;
}

const PROGRESS_WRITE_INTERVAL_MS = 1000;
const MODEL_COLUMNS_WITHOUT_BYTES = [
  'id',
  'runId',
  'labels',
  'inputs',
  'metrics',
  'artifactPath',
  'isActive',
  'createdAt',
  'activatedAt',
] as const satisfies ReadonlyArray<keyof MoodModel>;

/**
 * The mood model's lifecycle: predicting with the active model, training runs (recorded before they
 * start, one at a time, in a worker thread), model versions and their activation, crash recovery
 * and the first-start training.
 */
@Injectable()
export class MoodService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MoodService.name);
  private active?: ActiveModel;
  private running?: RunningTraining;

  constructor(
    @InjectRepository(TrainingRun) private readonly runs: Repository<TrainingRun>,
    @InjectRepository(MoodModel) private readonly models: Repository<MoodModel>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: MoodEngine,
    private readonly trainer: MoodTrainer,
    private readonly defaultDataset: DefaultDataset,
    @Inject(moodConfig.KEY) private readonly config: ConfigType<typeof moodConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const backend = await this.engine.useBackend(this.config.backend);
    this.logger.log(`TensorFlow.js backend: ${backend}`);
    await this.failInterruptedRuns();
    await this.loadActiveModel();
    if (!this.active && this.config.trainOnStart && this.defaultDataset.isOnDisk()) {
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
    this.active?.loaded.dispose();
    this.active = undefined;
  }

  /** For /health: which backend runs, which model is active, which run is training. */
  status(): { backend: string; model_id: string | null; training_run_id: string | null } {
    return {
      backend: this.engine.backend,
      model_id: this.active?.row.id ?? null,
      training_run_id: this.running?.runId ?? null,
    };
  }

  predict(parsed: ParsedTracks): PredictMoodResponseDto {
    const active = this.requireActiveModel();
    if (parsed.tracks.length === 0) {
      throw ValidationFailedError.field('tracks', 'has no usable track (every row was skipped)');
    }
    const labels = active.loaded.labels;
    const perTrack = active.loaded.predict(parsed.tracks);
    const combined = combineTrackProbabilities(perTrack);
    const best = argmax(combined);
    const byMood = (probabilities: number[]) =>
      Object.fromEntries(labels.map((label, j) => [label, round(probabilities[j])]));
    return {
      mood: labels[best],
      confidence: round(combined[best]),
      probabilities: byMood(combined),
      tracks: parsed.tracks.map((track, i) => ({
        id: track.id ?? null,
        row: track.row,
        mood: labels[argmax(perTrack[i])],
        probabilities: byMood(perTrack[i]),
      })),
      skipped: parsed.skipped,
      model: {
        id: active.row.id,
        trained_at: active.row.createdAt.toISOString(),
        metrics: {
          evaluation: active.row.metrics.evaluation,
          accuracy: active.row.metrics.accuracy,
          macro_f1: active.row.metrics.macro_f1,
          listener_accuracy_10: active.row.metrics.listener_accuracy_10,
        },
      },
    };
  }

  /**
   * Retrains on a labelled dataset from the request body (any accepted shape, with `tag`). The run
   * records the sha256 of the body's JSON.
   */
  startTraining(body: unknown): Promise<StartedRun> {
    const parsed = parseTracksBody(body, { labelled: true });
    return this.start('request', parsed, sha256Of(JSON.stringify(body)));
  }

  /** Retrains on the default dataset (downloaded once where it is not on disk). */
  async trainDefault(): Promise<StartedRun> {
    this.assertIdle();
    const file = await this.defaultDataset.read();
    let parsed: ParsedTracks;
    try {
      parsed = parseTracksBody(file.body, { labelled: true });
    } catch (error) {
      const detail = error instanceof AppError ? `: ${error.message}` : '';
      throw new AppError(500, 'DATASET_INVALID', `The default mood dataset is unusable${detail}`);
    }
    return this.start('default', parsed, file.sha256);
  }

  async listRuns(limit: number, offset: number): Promise<TrainingRunListResponseDto> {
    const [runs, total] = await this.runs.findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { runs: runs.map((run) => this.toRunView(run)), total, limit, offset };
  }

  async getRun(id: string): Promise<TrainingRunResponseDto> {
    const run = await this.runs.findOneBy({ id });
    if (!run) throw new NotFoundError(`No training run ${id}`, 'RUN_NOT_FOUND');
    return this.toRunView(run);
  }

  activeModel(): MoodModelResponseDto {
    if (!this.active) {
      throw new NotFoundError(this.notReadyMessage(), 'NO_ACTIVE_MODEL');
    }
    return this.toModelView(this.active.row);
  }

  /** Makes an earlier (or later) good model the active one: roll back or forward. */
  async activate(id: string): Promise<MoodModelResponseDto> {
    const row = await this.models.findOneBy({ id });
    if (!row) throw new NotFoundError(`No mood model ${id}`, 'MODEL_NOT_FOUND');
    if (this.active?.row.id === id) return this.toModelView(this.active.row);
    const loaded = await this.engine.load(artifactOf(row));
    const activatedAt = new Date();
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.update(MoodModel, { isActive: true }, { isActive: false });
        await manager.update(MoodModel, { id }, { isActive: true, activatedAt });
      });
    } catch (error) {
      loaded.dispose();
      throw error;
    }
    this.swapActive({ ...withoutBytes(row), isActive: true, activatedAt }, loaded);
    this.logger.log(`Mood model ${id} is now active`);
    return this.toModelView(this.active!.row);
  }

  // ---------------------------------------------------------------------------------------------

  private assertIdle(): void {
    if (this.running) {
      throw new ConflictError(
        `Training run ${this.running.runId} is in progress; one training at a time`,
        'TRAINING_IN_PROGRESS',
        { run_id: this.running.runId, location: `/api/v1/mood/runs/${this.running.runId}` },
      );
    }
  }

  private async start(
    source: DatasetSource,
    parsed: ParsedTracks,
    sha256: string,
  ): Promise<StartedRun> {
    const { rows, labels } = toLabelledRows(parsed);
    this.assertIdle();
    // Reserved before the first await, so a concurrent request sees it and gets 409.
    const runId = randomUUID();
    const running: RunningTraining = { runId };
    this.running = running;
    const params = this.config.hyperParameters;
    let run: TrainingRun;
    try {
      run = await this.runs.save(
        this.runs.create({
          id: runId,
          status: 'queued',
          datasetSource: source,
          datasetSha256: sha256,
          rowsUsed: rows.length,
          rowsSkipped: parsed.skipped.length,
          hyperParameters: { ...params, labels },
          progress: null,
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
    running.finished = this.execute(run, rows, labels, params).finally(() => {
      if (this.running === running) this.running = undefined;
    });
    const finished = running.finished;
    return {
      run: this.toRunView(run),
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
    params: MoodHyperParameters,
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
        { rows, labels, params, backend: this.config.backend },
        (progress) => {
          if (this.running?.runId === run.id) this.running.progress = progress;
          if (Date.now() - lastWrite >= PROGRESS_WRITE_INTERVAL_MS) {
            lastWrite = Date.now();
            this.runs.update(run.id, { progress }).catch(() => undefined);
          }
        },
      );
      const loaded = await this.engine.load(trained.artifact);
      const modelId = randomUUID();
      let artifactPath: string | undefined;
      try {
        artifactPath = await this.writeArtifact(run.id, trained.artifact);
        const now = new Date();
        const model = this.models.create({
          id: modelId,
          runId: run.id,
          labels,
          inputs: loaded.metadata.inputs,
          metrics: trained.metrics,
          modelJson: trained.artifact.modelJson,
          weightsBase64: Buffer.from(trained.artifact.weights).toString('base64'),
          artifactPath,
          isActive: true,
          createdAt: now,
          activatedAt: now,
        });
        Object.assign(run, {
          status: 'succeeded',
          epochsRun: trained.epochsRun,
          metrics: trained.metrics,
          backend,
          modelId,
          durationMs: Date.now() - started,
          finishedAt: now,
          progress: this.running?.progress ?? run.progress,
        });
        await this.dataSource.transaction(async (manager) => {
          await manager.update(MoodModel, { isActive: true }, { isActive: false });
          await manager.insert(MoodModel, model);
          await manager.save(TrainingRun, run);
        });
        this.swapActive(withoutBytes(model), loaded);
      } catch (error) {
        loaded.dispose();
        if (artifactPath) await rm(artifactPath, { recursive: true, force: true });
        throw error;
      }
      this.logger.log(
        `Training run ${run.id} succeeded in ${run.durationMs} ms: accuracy ${trained.metrics.accuracy} (${trained.metrics.evaluation}); model ${modelId} active`,
      );
    } catch (error) {
      Object.assign(run, {
        status: 'failed',
        error: (error as Error).message,
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
    return this.toRunView(run);
  }

  /** Written to a temporary folder and renamed into place, so a reader never sees half a model. */
  private async writeArtifact(runId: string, artifact: MoodArtifact): Promise<string> {
    const target = join(this.config.modelsDir, runId);
    const temporary = join(this.config.modelsDir, `.tmp-${runId}-${randomUUID().slice(0, 8)}`);
    await mkdir(temporary, { recursive: true });
    try {
      await writeFile(join(temporary, 'model.json'), artifact.modelJson);
      await writeFile(join(temporary, WEIGHTS_FILE), artifact.weights);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      throw error;
    }
    return target;
  }

  private swapActive(row: ActiveModel['row'], loaded: LoadedMoodModel): void {
    const previous = this.active;
    this.active = { row, loaded };
    previous?.loaded.dispose();
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

  private async loadActiveModel(): Promise<void> {
    const row = await this.models.findOneBy({ isActive: true });
    if (!row) {
      this.logger.log('No active mood model yet');
      return;
    }
    try {
      const loaded = await this.engine.load(artifactOf(row));
      this.swapActive(withoutBytes(row), loaded);
      this.logger.log(`Loaded mood model ${row.id} (run ${row.runId})`);
    } catch (error) {
      this.logger.error(
        `Could not load the active mood model ${row.id}: ${(error as Error).message}`,
      );
    }
  }

  private requireActiveModel(): ActiveModel {
    if (!this.active) {
      throw new ServiceUnavailableError(this.notReadyMessage(), 'MODEL_NOT_READY', {
        training_run_id: this.running?.runId ?? null,
      });
    }
    return this.active;
  }

  private notReadyMessage(): string {
    return this.running
      ? `No mood model is active yet; training run ${this.running.runId} is in progress, retry when it has finished (GET /api/v1/mood/runs/${this.running.runId})`
      : 'No mood model is active yet; an admin can train one with GET /api/v1/default_train_mood or POST /api/v1/retrain_mood';
  }

  private toRunView(run: TrainingRun): TrainingRunResponseDto {
    const live = this.running?.runId === run.id ? this.running.progress : undefined;
    return {
      id: run.id,
      status: run.status,
      accuracy: run.metrics?.accuracy ?? null,
      macro_f1: run.metrics?.macro_f1 ?? null,
      model_id: run.modelId,
      dataset: {
        source: run.datasetSource,
        sha256: run.datasetSha256,
        rows_used: run.rowsUsed,
        rows_skipped: run.rowsSkipped,
      },
      hyper_parameters: run.hyperParameters,
      progress: live ?? run.progress,
      epochs_run: run.epochsRun,
      duration_ms: run.durationMs,
      backend: run.backend,
      metrics: run.metrics,
      error: run.error,
      created_at: run.createdAt.toISOString(),
      started_at: run.startedAt?.toISOString() ?? null,
      finished_at: run.finishedAt?.toISOString() ?? null,
    };
  }

  private toModelView(row: ActiveModel['row']): MoodModelResponseDto {
    return {
      id: row.id,
      run_id: row.runId,
      labels: row.labels,
      inputs: row.inputs,
      aggregation: 'sum_log_probabilities',
      metrics: row.metrics,
      backend: this.engine.backend,
      trained_at: row.createdAt.toISOString(),
      activated_at: row.activatedAt?.toISOString() ?? null,
    };
  }
}

/** Rows and sorted labels for the trainer; a dataset it cannot train on is a 400. */
export function toLabelledRows(parsed: ParsedTracks): { rows: LabelledRow[]; labels: string[] } {
  const counts = new Map<string, number>();
  for (const track of parsed.tracks) counts.set(track.tag!, (counts.get(track.tag!) ?? 0) + 1);
  const problems = datasetProblems(counts);
  if (problems.length > 0) {
    throw new ValidationFailedError(problems.map((message) => ({ path: 'tracks', message })));
  }
  const labels = [...counts.keys()].sort();
  const index = new Map(labels.map((label, i) => [label, i]));
  const rows = parsed.tracks.map((track) => ({
    inputs: engineerFeatures(track),
    label: index.get(track.tag!)!,
    id: track.id,
    playlist: track.playlist,
  }));
  return { rows, labels };
}

function artifactOf(row: MoodModel): MoodArtifact {
  return {
    modelJson: row.modelJson,
    weights: new Uint8Array(Buffer.from(row.weightsBase64, 'base64')),
  };
}

function withoutBytes(row: MoodModel): ActiveModel['row'] {
  const view = {} as Record<string, unknown>;
  for (const key of MODEL_COLUMNS_WITHOUT_BYTES) view[key] = row[key];
  return view as ActiveModel['row'];
}
