import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { Repository } from 'typeorm';
import { AppError, NotFoundError, withDetails } from '../../common/errors';
import { CatalogImport } from '../catalog-import.entity';
import type {
  CatalogImportListResponseDto,
  CatalogImportResponseDto,
} from '../dto/catalog-import-response.dto';
import { ImportClaims } from './import-claims';
import { type ImportOutcome, ImportRunner, type ImportStreamOptions } from './import-runner';
import { toImportView } from './import-views';
import { LiveImport } from './live-import';

interface StartedImport {
  /** The import as recorded at its start. */
  import: CatalogImportResponseDto;
  /** Settles when it has finished: with its view, succeeded or failed; it never rejects. */
  finished: Promise<CatalogImportResponseDto>;
  /**
   * Waits for it: its view when it succeeded; when it failed, the error it failed with (its own
   * status and code, 500 INTERNAL_ERROR for an unexpected one), naming the import.
   */
  result(): Promise<CatalogImportResponseDto>;
}

/**
 * Catalog imports: one at a time across every process on the database (ImportClaims), streamed
 * into staging and merged in one transaction, all or nothing (ImportRunner), recorded from start to
 * end, with live progress. The HTTP route and the CLI both hand it a stream (importStream or start).
 */
@Injectable()
export class CatalogImportsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** The import this process runs, if any. */
  private running?: LiveImport;
  /** Its id, for the claims (never taken for stalled while it runs). */
  private readonly ownImportId = () => this.running?.id ?? null;

  constructor(
    @InjectRepository(CatalogImport) private readonly imports: Repository<CatalogImport>,
    private readonly claims: ImportClaims,
    private readonly runner: ImportRunner,
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
    return (await this.start(stream, options)).result();
  }

  /** Records the import and starts reading the stream; see importStream for the errors. */
  async start(stream: Readable, options: ImportStreamOptions = {}): Promise<StartedImport> {
    // Claimed before the first await, so a concurrent call in this process gets 409 at once.
    if (this.running) throw this.claims.inProgress(this.running.id);
    const live = new LiveImport(randomUUID(), options.sizeHint ?? null);
    this.running = live;
    const row = this.newImport(live.id, options);
    try {
      await this.claims.claim(row, this.ownImportId);
    } catch (error) {
      this.running = undefined;
      throw error;
    }
    const outcome = this.runner.run(row, stream, options, live).finally(() => {
      if (this.running === live) this.running = undefined;
    });
    const finished = outcome.then((ended) => toImportView(ended.row));
    live.finished = finished;
    return {
      import: this.view(row),
      finished,
      result: async () => {
        const ended = await outcome;
        if (ended.row.status === 'failed') throw failureOf(ended);
        return toImportView(ended.row);
      },
    };
  }

  async list(limit: number, offset: number): Promise<CatalogImportListResponseDto> {
    const [rows, total] = await this.imports.findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { imports: rows.map((row) => this.view(row)), total, limit, offset };
  }

  async get(id: string): Promise<CatalogImportResponseDto> {
    const row = await this.imports.findOneBy({ id });
    if (!row) throw new NotFoundError(`No catalog import ${id}`, 'IMPORT_NOT_FOUND');
    return this.view(row);
  }

  /** The newest finished import that succeeded, for the catalog's summary. */
  async lastSucceeded(): Promise<CatalogImportResponseDto | null> {
    const row = await this.imports.findOne({
      where: { status: 'succeeded' },
      order: { finishedAt: 'DESC' },
    });
    return row ? this.view(row) : null;
  }

  /**
   * Imports left queued or running by a process that is gone can never finish: fail them. At
   * start-up, and from CatalogImportWatcher's look, so one instance ends another's dead import.
   */
  async failDeadImports(): Promise<void> {
    await this.claims.failStalled(this.ownImportId);
  }

  /** The import as recorded before it reads anything, holding the claim. */
  private newImport(id: string, options: ImportStreamOptions): CatalogImport {
    const now = new Date();
    return this.imports.create({
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
  }

  /** An import's view; while this process runs it, with what it has read so far. */
  private view(row: CatalogImport): CatalogImportResponseDto {
    const live = this.running?.id === row.id && row.status === 'running' ? this.running : undefined;
    return toImportView(row, live);
  }
}

/**
 * The error the caller of a failed import gets: the status, code, message and Retry-After of the
 * error it failed with (an unexpected one is 500 with a generic message; the log has the cause),
 * naming the import.
 */
function failureOf({ row, error }: ImportOutcome): AppError {
  const details = { import_id: row.id, location: `/api/v1/catalog/imports/${row.id}` };
  if (error instanceof AppError) return withDetails(error, details);
  return new AppError(
    500,
    'INTERNAL_ERROR',
    `Catalog import ${row.id} failed; the service log has the cause`,
    details,
  );
}
