import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { ClusterNotices } from '../cluster/cluster-notices';
import { NotFoundError } from '../common/errors';
import { type MoodConfig, moodConfig } from './mood.config';
import {
  type LoadedMoodModel,
  metadataOf,
  type MoodArtifact,
  MoodEngine,
  type MoodModelMetadata,
  type TrainedMoodModel,
  WEIGHTS_FILE,
} from './mood-engine';
import { MoodModel } from './mood-model.entity';

/**
 * A model row without its artifact's bytes: what the service keeps in memory and shows, with how
 * the model combines tracks into the listener's mood (from its saved metadata).
 */
export type MoodModelSummary = Omit<MoodModel, 'weightsBase64' | 'modelJson'> &
  Pick<MoodModelMetadata, 'aggregation'>;

/** The model that answers predictions: its row and its loaded network. */
export interface ActiveModel {
  row: MoodModelSummary;
  loaded: LoadedMoodModel;
}

export type ActiveModelListener = (active: ActiveModel) => void;

/** Every column but the weights: model.json holds the metadata a summary reads. */
const SUMMARY_COLUMNS = [
  'id',
  'runId',
  'labels',
  'inputs',
  'metrics',
  'modelJson',
  'artifactPath',
  'isActive',
  'createdAt',
  'activatedAt',
] as const satisfies ReadonlyArray<keyof MoodModel>;

/** How often an instance checks the database's active model, in case it missed a notice. */
const ACTIVE_MODEL_CHECK_MS = 15_000;

/**
 * Model versions: the active one in memory (loaded at start-up from the database), a new model's
 * files and row, and the switch to another model. At most one row is active, and the switch happens
 * in one transaction, so a failure leaves the previous model active in the database and in memory.
 * Every switch in memory goes through swapActive, one at a time, and the other instances hear of
 * it (ClusterNotices) and load the database's active model in turn.
 */
@Injectable()
export class ModelStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ModelStore.name);
  private current?: ActiveModel;
  private readonly listeners = new Set<ActiveModelListener>();
  /** Switches of the active model, one after another (local ones and those of other instances). */
  private switching: Promise<unknown> = Promise.resolve();
  private readonly unsubscribes: (() => void)[] = [];
  private checkTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(MoodModel) private readonly models: Repository<MoodModel>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: MoodEngine,
    private readonly notices: ClusterNotices,
    @Inject(moodConfig.KEY) private readonly config: MoodConfig,
  ) {}

  /** Picks the TensorFlow.js backend and loads the active model, before anything asks for it. */
  async onModuleInit(): Promise<void> {
    const backend = await this.engine.useBackend(this.config.backend);
    this.logger.log(`TensorFlow.js backend: ${backend}`);
    await this.loadActive();
    if (this.notices.transportName) {
      this.unsubscribes.push(
        this.notices.subscribe('mood-model', () => void this.syncActive()),
        // An activation whose notice was lost while the notices were down.
        this.notices.onResumed(() => void this.syncActive()),
      );
      this.checkTimer = setInterval(() => void this.syncActive(), ACTIVE_MODEL_CHECK_MS);
      this.checkTimer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    clearInterval(this.checkTimer);
    await this.switching.catch(() => undefined);
    this.current?.loaded.dispose();
    this.current = undefined;
  }

  /** Whether any instance has made a model active (this one may not have loaded it yet). */
  async hasActiveInDatabase(): Promise<boolean> {
    return (await this.models.countBy({ isActive: true })) > 0;
  }

  /**
   * Makes the database's active model this instance's, where it is another (another instance
   * trained or activated it). Settles once done; a failure is logged and the current model stays.
   */
  syncActive(): Promise<void> {
    return this.serially(async () => {
      const active = await this.models.findOne({ select: ['id'], where: { isActive: true } });
      if (!active || active.id === this.current?.row.id) return;
      const row = await this.models.findOneBy({ id: active.id });
      if (!row) return;
      this.swapActive(summaryOf(row), await this.engine.load(artifactOf(row)));
      this.logger.log(`Mood model ${row.id} is now active (activated by another instance)`);
    }).catch((error: unknown) =>
      this.logger.error(`Could not load the newly active mood model: ${(error as Error).message}`),
    );
  }

  /** The TensorFlow.js backend in use (`tensorflow`, `wasm` or `cpu`). */
  get backend(): string {
    return this.engine.backend;
  }

  get active(): ActiveModel | undefined {
    return this.current;
  }

  /**
   * Called after every change of the active model in this process (a finished training, an
   * activation, the load at start-up), with the new one. Returns the unsubscribe function.
   */
  onActiveChange(listener: ActiveModelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stores a newly trained model and makes it the active one: its files in `models/<run id>/`, its
   * row (with the same bytes, so other instances can load it) inserted active while every other is
   * deactivated, and `alsoRecord` (the run's success) in the same transaction.
   */
  async addActive(
    runId: string,
    trained: TrainedMoodModel,
    alsoRecord: (manager: EntityManager, modelId: string) => Promise<unknown>,
  ): Promise<MoodModelSummary> {
    const loaded = await this.engine.load(trained.artifact);
    let artifactPath: string | undefined;
    try {
      artifactPath = await this.writeArtifact(runId, trained.artifact);
      const now = new Date();
      const model = this.models.create({
        id: randomUUID(),
        runId,
        labels: trained.labels,
        inputs: loaded.metadata.inputs,
        metrics: trained.metrics,
        modelJson: trained.artifact.modelJson,
        weightsBase64: Buffer.from(trained.artifact.weights).toString('base64'),
        artifactPath,
        isActive: true,
        createdAt: now,
        activatedAt: now,
      });
      const active = await this.serially(async () => {
        await this.dataSource.transaction(async (manager) => {
          await manager.update(MoodModel, { isActive: true }, { isActive: false });
          await manager.insert(MoodModel, model);
          await alsoRecord(manager, model.id);
        });
        return this.swapActive(summaryOf(model), loaded).row;
      });
      this.notices.publish('mood-model', { modelId: model.id });
      return active;
    } catch (error) {
      loaded.dispose();
      if (artifactPath) await rm(artifactPath, { recursive: true, force: true });
      throw error;
    }
  }

  /** Every stored model version, newest first (without its weights), and how many there are. */
  async list(limit: number, offset: number): Promise<[MoodModelSummary[], number]> {
    const [rows, total] = await this.models.findAndCount({
      select: [...SUMMARY_COLUMNS],
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return [rows.map(summaryOf), total];
  }

  /** Makes an earlier (or later) stored model the active one: roll back or forward. */
  async activate(id: string): Promise<MoodModelSummary> {
    const row = await this.models.findOneBy({ id });
    if (!row) throw new NotFoundError(`No mood model ${id}`, 'MODEL_NOT_FOUND');
    if (this.current?.row.id === id) return this.current.row;
    const loaded = await this.engine.load(artifactOf(row));
    const activatedAt = new Date();
    const active = await this.serially(async () => {
      try {
        await this.dataSource.transaction(async (manager) => {
          await manager.update(MoodModel, { isActive: true }, { isActive: false });
          await manager.update(MoodModel, { id }, { isActive: true, activatedAt });
        });
      } catch (error) {
        loaded.dispose();
        throw error;
      }
      return this.swapActive({ ...summaryOf(row), isActive: true, activatedAt }, loaded).row;
    });
    this.logger.log(`Mood model ${id} is now active`);
    this.notices.publish('mood-model', { modelId: id });
    return active;
  }

  private async loadActive(): Promise<void> {
    const row = await this.models.findOneBy({ isActive: true });
    if (!row) {
      this.logger.log('No active mood model yet');
      return;
    }
    try {
      this.swapActive(summaryOf(row), await this.engine.load(artifactOf(row)));
      this.logger.log(`Loaded mood model ${row.id} (run ${row.runId})`);
    } catch (error) {
      this.logger.error(
        `Could not load the active mood model ${row.id}: ${(error as Error).message}`,
      );
    }
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

  /** Runs `work` after every switch already under way, so the last one to commit is the one kept. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.switching.then(work);
    this.switching = result.catch(() => undefined);
    return result;
  }

  /** The one place the model in memory changes. */
  private swapActive(row: MoodModelSummary, loaded: LoadedMoodModel): ActiveModel {
    const previous = this.current;
    const current = (this.current = { row, loaded });
    previous?.loaded.dispose();
    for (const listener of this.listeners) {
      try {
        listener(current);
      } catch (error) {
        this.logger.error(`An active-model listener failed: ${(error as Error).message}`);
      }
    }
    return current;
  }
}

function artifactOf(row: MoodModel): MoodArtifact {
  return {
    modelJson: row.modelJson,
    weights: new Uint8Array(Buffer.from(row.weightsBase64, 'base64')),
  };
}

function summaryOf(row: MoodModel): MoodModelSummary {
  const summary = { aggregation: metadataOf(row.modelJson).aggregation } as Record<string, unknown>;
  for (const key of SUMMARY_COLUMNS) if (key !== 'modelJson') summary[key] = row[key];
  return summary as MoodModelSummary;
}
