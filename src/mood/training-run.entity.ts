import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { MoodMetrics, TrainingHistory, TrainingProgress } from './model/training-report';

export type TrainingRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type DatasetSource = 'default' | 'request';

/** One training of the mood network, recorded before it starts and updated as it goes. */
@Entity({ name: 'mood_training_runs' })
export class TrainingRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: TrainingRunStatus;

  /**
   * 1 from the run's start to its end, else null: the unique index admits one queued or running run
   * across every instance on the database (a second training request is 409 naming it).
   */
  @Index('IDX_mood_training_runs_active', { unique: true })
  @Column({ type: 'integer', nullable: true })
  active!: number | null;

  /** Written while the run is queued or running; a stale one means its instance stopped. */
  @Column({ name: 'heartbeat_at', type: Date, nullable: true })
  heartbeatAt!: Date | null;

  /** The process that accepted or is training the run (null for runs recorded before). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  host!: string | null;

  @Column({ type: 'integer', nullable: true })
  pid!: number | null;

  @Column({ name: 'dataset_source', type: 'varchar', length: 16 })
  datasetSource!: DatasetSource;

  /**
   * sha256 of the labelled rows trained on, whatever their source: the JSON array of one array per
   * row, `[tag, playlist or null, id or null, ...the 13 features in AUDIO_FEATURES order]` (see
   * labelledDatasetSha256). Rows written before this rule hold the sha256 of the dataset file or of
   * the posted body's JSON.
   */
  @Column({ name: 'dataset_sha256', type: 'varchar', length: 64 })
  datasetSha256!: string;

  @Column({ name: 'rows_used', type: 'integer' })
  rowsUsed!: number;

  @Column({ name: 'rows_skipped', type: 'integer' })
  rowsSkipped!: number;

  @Column({ name: 'hyper_parameters', type: 'simple-json' })
  hyperParameters!: Record<string, unknown>;

  @Column({ type: 'simple-json', nullable: true })
  progress!: TrainingProgress | null;

  /** Loss and accuracy per epoch of each stage (null until succeeded, and for earlier runs). */
  @Column({ type: 'simple-json', nullable: true })
  history!: TrainingHistory | null;

  @Column({ name: 'epochs_run', type: 'integer', nullable: true })
  epochsRun!: number | null;

  @Column({ type: 'simple-json', nullable: true })
  metrics!: MoodMetrics | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  backend!: string | null;

  @Column({ name: 'model_id', type: 'varchar', length: 36, nullable: true })
  modelId!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'started_at', type: Date, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;
}
