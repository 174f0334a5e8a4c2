import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MoodMetrics } from './model/training-report';

/**
 * A trained model version. The artifact's bytes (model.json + weights.bin) live in the row as well as
 * in data/models/<run id>/, so another instance on the same database can load it.
 */
@Entity({ name: 'mood_models' })
export class MoodModel {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @Column({ type: 'simple-json' })
  labels!: string[];

  @Column({ type: 'simple-json' })
  inputs!: string[];

  @Column({ type: 'simple-json' })
  metrics!: MoodMetrics;

  @Column({ name: 'model_json', type: 'text' })
  modelJson!: string;

  /** weights.bin, base64 (one portable column type on SQLite and PostgreSQL). */
  @Column({ name: 'weights_base64', type: 'text' })
  weightsBase64!: string;

  @Column({ name: 'artifact_path', type: 'varchar', length: 1024 })
  artifactPath!: string;

  @Column({ name: 'is_active', type: 'boolean', default: false })
  isActive!: boolean;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'activated_at', type: Date, nullable: true })
  activatedAt!: Date | null;
}
