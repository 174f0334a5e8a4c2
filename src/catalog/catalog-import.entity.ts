import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CatalogFormat } from './formats/catalog-formats';

export type CatalogImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';
/** Who started an import: the HTTP route, the CLI, or the starter catalog on a first start. */
export type CatalogImportOrigin = 'api' | 'cli' | 'starter';

/** A row the import skipped: its 1-based line (a CSV header is line 1) and why. */
export interface SkippedLine {
  line: number;
  reason: string;
}

export interface CatalogImportProgress {
  phase: 'reading' | 'merging' | 'done';
  bytes_read: number;
  /** The file's size where known (CLI, or an HTTP Content-Length), for a share and an ETA. */
  bytes_total: number | null;
  rows_read: number;
  rows_per_second: number;
}

/** One catalog import, recorded before it starts and updated as it goes. */
@Entity({ name: 'catalog_imports' })
export class CatalogImport {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: CatalogImportStatus;

  /**
   * 1 while queued or running, null afterwards. A unique index on it lets one import at a time be
   * active across every process on the database (the service and the CLI).
   */
  @Index('IDX_catalog_imports_active', { unique: true })
  @Column({ type: 'integer', nullable: true })
  active!: number | null;

  @Column({ type: 'varchar', length: 16 })
  origin!: CatalogImportOrigin;

  /** Null until recognised from the file (or named). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  format!: CatalogFormat | null;

  @Column({ type: 'varchar', length: 200 })
  source!: string;

  /** Of the file's bytes after any gzip decoding; null until the file is read. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ name: 'bytes_read', type: 'bigint', default: 0 })
  bytesRead!: number | string;

  @Column({ name: 'rows_read', type: 'integer', default: 0 })
  rowsRead!: number;

  @Column({ name: 'tracks_added', type: 'integer', default: 0 })
  tracksAdded!: number;

  @Column({ name: 'tracks_updated', type: 'integer', default: 0 })
  tracksUpdated!: number;

  @Column({ name: 'tracks_unchanged', type: 'integer', default: 0 })
  tracksUnchanged!: number;

  @Column({ name: 'rows_skipped', type: 'integer', default: 0 })
  rowsSkipped!: number;

  /** The first 100 skipped rows. */
  @Column({ type: 'simple-json' })
  skipped!: SkippedLine[];

  @Column({ type: 'simple-json', nullable: true })
  progress!: CatalogImportProgress | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;

  /** The process that runs it: an import whose process is gone is marked failed. */
  @Column({ type: 'varchar', length: 255 })
  host!: string;

  @Column({ type: 'integer' })
  pid!: number;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'started_at', type: Date, nullable: true })
  startedAt!: Date | null;

  /** Written with progress about once a second: a heartbeat that tells a live import from a dead one. */
  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;
}
