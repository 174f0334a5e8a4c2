import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { In, QueryFailedError, Repository } from 'typeorm';
import { AppError, ConflictError, NotFoundError } from '../../common/errors';
import { catalogConfig } from '../catalog.config';
import { CatalogChanges } from '../catalog-changes';
import {
  CatalogImport,
  type CatalogImportOrigin,
  type CatalogImportProgress,
} from '../catalog-import.entity';
import type {
  CatalogImportListResponseDto,
  CatalogImportResponseDto,
} from '../dto/catalog-import-response.dto';
import type { CatalogFormat } from '../formats/catalog-formats';
import type { SqlStatement } from '../storage/catalog-sql';
import { CatalogWriters } from '../storage/catalog-writers';
import { ImportCancelledError } from './import-errors';
import { type ReadState, readIntoStaging } from './import-run';

/** What the caller knows about an import's bytes besides the stream itself. */
export interface ImportStreamOptions {
  /** A label of where the tracks come from (default: `upload`, or the file name in the CLI). */
  source?: string;
  /** One of CATALOG_FORMATS; otherwise recognised from the file's first line. */
  format?: CatalogFormat;
  /** `Content-Type`: `application/x-ndjson` tells NDJSON apart where the first line cannot. */
  contentType?: string;
  /** `Content-Encoding`: `gzip` is inflated as it streams; `auto` looks at the magic bytes. */
  contentEncoding?: string;
  /** The file's size where known (CLI, Content-Length), for progress. */
  sizeHint?: number;
  origin?: CatalogImportOrigin;
  /** Called about once a second while the import runs, and once at its end. */
  onProgress?: (progress: CatalogImportProgress) => void;
}

export interface StartedImport {
  /** The import as recorded at its start. */
  import: CatalogImportResponseDto;
  /** Settles when it has finished: with its view, succeeded or failed; it never rejects. */
  finished: Promise<CatalogImportResponseDto>;
}

interface RunningImport {
  id: string;
  state: ReadState;
  phase: CatalogImportProgress['phase'];
  startedAt: number;
  sizeHint: number | null;
  controller: AbortController;
  finished?: Promise<CatalogImportResponseDto>;
}

const PROGRESS_INTERVAL_MS = 1000;
/** An import whose process has not written its heartbeat for this long is dead. */
const STALE_AFTER_MS = 60_000;

/**
 * Catalog imports: one at a time across every process on the database, streamed into staging and
 * merged in one transaction (all or nothing), recorded from start to end, with live progress.
 * The HTTP route and the CLI both hand it a stream (importStream or start).
 */
@Injectable()
export class CatalogImportsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CatalogImportsService.name);
  private running?: RunningImport;

  constructor(
    @InjectRepository(CatalogImport) private readonly imports: Repository<CatalogImport>,
    private readonly writers: CatalogWriters,
    private readonly changes: CatalogChanges,
    @Inject(catalogConfig.KEY) private readonly config: ConfigType<typeof catalogConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.failDeadImports();
  }

  /** Shutting down cancels a running import: it fails and changes nothing. */
  async beforeApplicationShutdown(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.controller.abort('the service is shutting down');
    await running.finished?.catch(() => undefined);
  }

  /**
   * Imports a stream and waits for it: the succeeded import, or the AppError of its failure
   * (400 UNKNOWN_FORMAT/INVALID_CSV, 413 PAYLOAD_TOO_LARGE, 422 TOO_MANY_BAD_ROWS, …) whose details
   * name the failed import. 409 IMPORT_IN_PROGRESS (before reading anything) while another runs.
   */
  async importStream(
    stream: Readable,
    options: ImportStreamOptions = {},
  ): Promise<CatalogImportResponseDto> {
    return this.settle(await this.start(stream, options));
  }

  /** Waits for a started import: its view when it succeeded, its error (naming it) when it failed. */
  async settle(started: StartedImport): Promise<CatalogImportResponseDto> {
    const view = await started.finished;
    if (view.status === 'failed') throw this.failureOf(view);
    return view;
  }

  /** Records the import and starts reading the stream; see importStream for the errors. */
  async start(stream: Readable, options: ImportStreamOptions = {}): Promise<StartedImport> {
    const running: RunningImport = {
      id: randomUUID(),
      state: emptyState(),
      phase: 'reading',
      startedAt: Date.now(),
      sizeHint: options.sizeHint ?? null,
      controller: new AbortController(),
    };
    // Claimed before the first await, so a concurrent call in this process gets 409 at once.
    this.assertIdle();
    this.running = running;
    let row: CatalogImport;
    try {
      row = await this.reserve(running.id, options);
    } catch (error) {
      this.running = undefined;
      throw error;
    }
    running.finished = this.execute(row, stream, options, running).finally(() => {
      if (this.running === running) this.running = undefined;
    });
    return { import: this.toView(row), finished: running.finished };
  }

  async list(limit: number, offset: number): Promise<CatalogImportListResponseDto> {
    const [rows, total] = await this.imports.findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { imports: rows.map((row) => this.toView(row)), total, limit, offset };
  }

  async get(id: string): Promise<CatalogImportResponseDto> {
    const row = await this.imports.findOneBy({ id });
    if (!row) throw new NotFoundError(`No catalog import ${id}`, 'IMPORT_NOT_FOUND');
    return this.toView(row);
  }

  /** The newest finished import that succeeded, for the catalog's summary. */
  async lastSucceeded(): Promise<CatalogImportResponseDto | null> {
    const row = await this.imports.findOne({
      where: { status: 'succeeded' },
      order: { finishedAt: 'DESC' },
    });
    return row ? this.toView(row) : null;
  }

  /** For /health: the import this process runs, if any. */
  runningImportId(): string | null {
    return this.running?.id ?? null;
  }

  // ---------------------------------------------------------------------------------------------

  private assertIdle(): void {
    if (this.running) throw this.inProgress(this.running.id);
  }

  private inProgress(id: string): ConflictError {
    return new ConflictError(
      `Catalog import ${id} is in progress; one import at a time`,
      'IMPORT_IN_PROGRESS',
      { import_id: id, location: `/api/v1/catalog/imports/${id}` },
    );
  }

  /**
   * Inserts the import with `active = 1`: the unique index on `active` admits one active import
   * across every process on the database. An active one whose process is dead is failed first.
   */
  private async reserve(id: string, options: ImportStreamOptions): Promise<CatalogImport> {
    const now = new Date();
    const row = this.imports.create({
      id,
      status: 'running',
      active: 1,
      origin: options.origin ?? 'api',
      format: options.format ?? null,
      source: (options.source ?? 'upload').slice(0, 200),
      sha256: null,
      bytesRead: 0,
      rowsRead: 0,
      tracksAdded: 0,
      tracksUpdated: 0,
      tracksUnchanged: 0,
      rowsSkipped: 0,
      skipped: [],
      progress: null,
      error: null,
      errorCode: null,
      host: hostname(),
      pid: process.pid,
      createdAt: now,
      startedAt: now,
      updatedAt: now,
      finishedAt: null,
      durationMs: null,
    });
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.imports.insert(row);
        return row;
      } catch (error) {
        if (!(error instanceof QueryFailedError)) throw error;
        const active = await this.imports.findOneBy({ active: 1 });
        if (!active) {
          if (attempt < 2) continue;
          throw error;
        }
        if (attempt < 2 && this.isDead(active)) {
          await this.markFailed(active, 'the process running it stopped');
          continue;
        }
        throw this.inProgress(active.id);
      }
    }
  }

  private async execute(
    row: CatalogImport,
    stream: Readable,
    options: ImportStreamOptions,
    running: RunningImport,
  ): Promise<CatalogImportResponseDto> {
    const writer = this.writers.create();
    let lastWrite = 0;
    const heartbeat = () => {
      const progress = this.progressOf(running);
      options.onProgress?.(progress);
      if (Date.now() - lastWrite < PROGRESS_INTERVAL_MS) return;
      lastWrite = Date.now();
      this.imports
        .update(row.id, { ...this.countsOf(running), updatedAt: new Date() })
        .catch(() => undefined);
    };
    // Keeps the heartbeat fresh while a slow client sends nothing, so no process takes it for dead.
    const keepAlive = setInterval(() => {
      this.imports.update(row.id, { updatedAt: new Date() }).catch(() => undefined);
    }, STALE_AFTER_MS / 6);
    try {
      await writer.begin();
      await readIntoStaging(
        stream,
        writer,
        {
          format: options.format,
          contentType: options.contentType,
          contentEncoding: options.contentEncoding,
          limit: this.config.importLimit,
          jsonLimit: this.config.jsonLimit,
          maxBadRows: this.config.maxBadRows,
          signal: running.controller.signal,
        },
        running.state,
        async (format) => {
          row.format = format;
          await this.imports.update(row.id, { format });
        },
        heartbeat,
      );
      const { signal } = running.controller;
      if (signal.aborted) throw new ImportCancelledError(String(signal.reason));
      running.phase = 'merging';
      lastWrite = 0;
      heartbeat();
      const finishedAt = new Date();
      const counts = await writer.commit(row.source, finishedAt, (merged) => {
        running.phase = 'done';
        Object.assign(row, this.countsOf(running), {
          status: 'succeeded',
          active: null,
          tracksAdded: merged.added,
          tracksUpdated: merged.updated,
          tracksUnchanged: merged.unchanged,
          updatedAt: finishedAt,
          finishedAt,
          durationMs: finishedAt.getTime() - running.startedAt,
        } satisfies Partial<CatalogImport>);
        return succeededStatement(row);
      });
      options.onProgress?.(row.progress!);
      this.logger.log(
        `Catalog import ${row.id} (${row.format}, ${row.source}) succeeded: ${row.rowsRead} rows, ` +
          `${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ` +
          `${row.rowsSkipped} skipped, ${row.durationMs} ms`,
      );
      this.changes.publish(
        counts.changedIds
          ? { type: 'upserted', ids: counts.changedIds }
          : {
              type: 'reset',
              reason: `catalog import ${row.id} changed ${counts.added + counts.updated} tracks`,
            },
      );
      return this.toView(row);
    } catch (error) {
      await writer.abort().catch(() => undefined);
      return this.fail(row, running, error);
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Records the failure (the catalog is untouched); never throws. */
  private async fail(
    row: CatalogImport,
    running: RunningImport,
    error: unknown,
  ): Promise<CatalogImportResponseDto> {
    const known = error instanceof AppError;
    const finishedAt = new Date();
    Object.assign(row, this.countsOf(running), {
      status: 'failed',
      active: null,
      error: known ? error.message : `Internal error: ${(error as Error).message}`,
      errorCode: known ? error.code : 'INTERNAL_ERROR',
      updatedAt: finishedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - running.startedAt,
    } satisfies Partial<CatalogImport>);
    if (known) this.logger.warn(`Catalog import ${row.id} failed: ${row.error}`);
    else this.logger.error(`Catalog import ${row.id} failed: ${row.error}`, (error as Error).stack);
    await this.imports
      .save(row)
      .catch((saveError: unknown) =>
        this.logger.error(`Could not record the failure of import ${row.id}: ${String(saveError)}`),
      );
    return this.toView(row);
  }

  /** The AppError that importStream throws for a failed import, naming it. */
  private failureOf(view: CatalogImportResponseDto): AppError {
    const status = STATUS_BY_CODE[view.error_code ?? ''] ?? 500;
    const message =
      status === 500
        ? `Catalog import ${view.id} failed; the service log has the cause`
        : view.error!;
    return new AppError(status, view.error_code ?? 'INTERNAL_ERROR', message, {
      import_id: view.id,
      location: `/api/v1/catalog/imports/${view.id}`,
    });
  }

  /**
   * Imports left queued or running by a process that is gone can never finish: fail them. At
   * start-up, and from CatalogImportWatcher's look, so one instance ends another's dead import.
   */
  async failDeadImports(): Promise<void> {
    const active = await this.imports.findBy({ status: In(['queued', 'running']) });
    const dead = active.filter((row) => row.id !== this.running?.id && this.isDead(row));
    for (const row of dead) await this.markFailed(row, 'the process running it stopped');
    if (dead.length > 0) {
      this.logger.warn(`Marked ${dead.length} interrupted catalog import(s) as failed`);
    }
  }

  /** Dead: its process on this host is gone, or it has not written a heartbeat for a minute. */
  private isDead(row: CatalogImport): boolean {
    if (Date.now() - row.updatedAt.getTime() > STALE_AFTER_MS) return true;
    if (row.host !== hostname()) return false;
    if (row.pid === process.pid) return row.id !== this.running?.id;
    return !processIsAlive(row.pid);
  }

  private async markFailed(row: CatalogImport, why: string): Promise<void> {
    const now = new Date();
    await this.imports.update(
      { id: row.id, status: In(['queued', 'running']) },
      {
        status: 'failed',
        active: null,
        error: `Interrupted: ${why} before the import finished; the catalog is as it was`,
        errorCode: 'IMPORT_INTERRUPTED',
        finishedAt: now,
        updatedAt: now,
      },
    );
  }

  private progressOf(running: RunningImport): CatalogImportProgress {
    const { state } = running;
    const seconds = (Date.now() - running.startedAt) / 1000;
    return {
      phase: running.phase,
      bytes_read: state.bytesRead,
      bytes_total: running.sizeHint,
      rows_read: state.rowsRead,
      rows_per_second: seconds > 0 ? Math.round(state.rowsRead / seconds) : 0,
    };
  }

  private countsOf(running: RunningImport): Partial<CatalogImport> {
    const { state } = running;
    return {
      format: state.format,
      sha256: state.sha256,
      bytesRead: state.bytesRead,
      rowsRead: state.rowsRead,
      rowsSkipped: state.rowsSkipped,
      skipped: state.skipped,
      progress: this.progressOf(running),
    };
  }

  private toView(row: CatalogImport): CatalogImportResponseDto {
    const live = this.running?.id === row.id && row.status === 'running' ? this.running : undefined;
    const counts = live ? { ...row, ...this.countsOf(live) } : row;
    return {
      id: row.id,
      status: row.status,
      origin: row.origin,
      format: counts.format ?? null,
      source: row.source,
      sha256: counts.sha256 ?? null,
      bytes_read: Number(counts.bytesRead),
      rows_read: counts.rowsRead ?? 0,
      tracks_added: row.tracksAdded,
      tracks_updated: row.tracksUpdated,
      tracks_unchanged: row.tracksUnchanged,
      rows_skipped: counts.rowsSkipped ?? 0,
      skipped: counts.skipped ?? [],
      progress: counts.progress ?? null,
      error: row.error,
      error_code: row.errorCode,
      created_at: row.createdAt.toISOString(),
      started_at: row.startedAt?.toISOString() ?? null,
      finished_at: row.finishedAt?.toISOString() ?? null,
      duration_ms: row.durationMs,
    };
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  UNKNOWN_FORMAT: 400,
  INVALID_CSV: 400,
  VALIDATION_FAILED: 400,
  INVALID_CONTENT_ENCODING: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_BAD_ROWS: 422,
  IMPORT_CANCELLED: 503,
};

function emptyState(): ReadState {
  return { format: null, bytesRead: 0, rowsRead: 0, rowsSkipped: 0, skipped: [], sha256: null };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The import's success, written in the merge's own transaction. */
function succeededStatement(row: CatalogImport): SqlStatement {
  return {
    sql:
      'UPDATE catalog_imports SET status = ?, active = NULL, format = ?, sha256 = ?, bytes_read = ?, ' +
      'rows_read = ?, tracks_added = ?, tracks_updated = ?, tracks_unchanged = ?, rows_skipped = ?, ' +
      'skipped = ?, progress = ?, updated_at = ?, finished_at = ?, duration_ms = ? WHERE id = ?',
    params: [
      row.status,
      row.format,
      row.sha256,
      Number(row.bytesRead),
      row.rowsRead,
      row.tracksAdded,
      row.tracksUpdated,
      row.tracksUnchanged,
      row.rowsSkipped,
      JSON.stringify(row.skipped),
      JSON.stringify(row.progress),
      row.updatedAt,
      row.finishedAt,
      row.durationMs,
      row.id,
    ],
  };
}
