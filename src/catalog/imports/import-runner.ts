import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { Repository } from 'typeorm';
import { AppError, knownError } from '../../common/errors';
import { type CatalogConfig, catalogConfig } from '../catalog.config';
import { CatalogChanges } from '../catalog-changes';
import {
  CatalogImport,
  type CatalogImportOrigin,
  type CatalogImportProgress,
} from '../catalog-import.entity';
import type { CatalogFormat } from '../formats/catalog-formats';
import type { SqlStatement } from '../storage/catalog-sql';
import { CatalogWriters } from '../storage/catalog-writers';
import { ImportClaims } from './import-claims';
import { ImportCancelledError } from './import-errors';
import { readIntoStaging } from './import-run';
import type { LiveImport } from './live-import';

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

/** How an import ended: its row as recorded, and the error it failed with, if it failed. */
export interface ImportOutcome {
  row: CatalogImport;
  error?: unknown;
}

const PROGRESS_INTERVAL_MS = 1000;
/** What an import that the database or a full disk stopped tells its caller, after the cause. */
const DURING_THE_IMPORT = 'during the import; nothing was imported';

/**
 * Runs one claimed import in this process: streams the file into staging while writing its progress
 * and heartbeat, then merges the staged tracks into the catalog in one transaction that also records
 * the import's success (all or nothing), or records its failure (the catalog untouched).
 */
@Injectable()
export class ImportRunner {
  private readonly logger = new Logger(ImportRunner.name);

  constructor(
    @InjectRepository(CatalogImport) private readonly imports: Repository<CatalogImport>,
    private readonly writers: CatalogWriters,
    private readonly changes: CatalogChanges,
    private readonly claims: ImportClaims,
    @Inject(catalogConfig.KEY) private readonly config: CatalogConfig,
  ) {}

  /** Imports `stream` as `row`, its reading kept in `live`; never rejects. */
  async run(
    row: CatalogImport,
    stream: Readable,
    options: ImportStreamOptions,
    live: LiveImport,
  ): Promise<ImportOutcome> {
    const writer = this.writers.create();
    let lastWrite = 0;
    const onBatch = () => {
      options.onProgress?.(live.progress());
      if (Date.now() - lastWrite < PROGRESS_INTERVAL_MS) return;
      lastWrite = Date.now();
      this.imports
        .update(row.id, { ...live.counts(), updatedAt: new Date() })
        .catch(() => undefined);
    };
    // Keeps the heartbeat fresh while a slow client sends nothing, so no process takes it for dead.
    const stopBeating = this.claims.beat(row.id);
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
          signal: live.controller.signal,
        },
        live.state,
        async (format) => {
          row.format = format;
          await this.imports.update(row.id, { format });
        },
        onBatch,
      );
      const { signal } = live.controller;
      if (signal.aborted) throw new ImportCancelledError(String(signal.reason));
      live.phase = 'merging';
      lastWrite = 0;
      onBatch();
      const finishedAt = new Date();
      const counts = await writer.commit(row.source, finishedAt, (merged) => {
        live.phase = 'done';
        const success = {
          ...live.counts(),
          status: 'succeeded',
          active: null,
          tracksAdded: merged.added,
          tracksUpdated: merged.updated,
          tracksUnchanged: merged.unchanged,
          updatedAt: finishedAt,
          finishedAt,
          durationMs: finishedAt.getTime() - live.startedAt,
        } satisfies Partial<CatalogImport>;
        Object.assign(row, success);
        return this.updateStatement(row.id, success);
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
      return { row };
    } catch (error) {
      await writer.abort().catch(() => undefined);
      // The database away or a full disk is told as such (503, 507), the cause kept for the log.
      const failure = knownError(error, DURING_THE_IMPORT) ?? error;
      return { row: await this.recordFailure(row, live, failure, error), error: failure };
    } finally {
      stopBeating();
    }
  }

  /**
   * The UPDATE of import `id` with `values`, as TypeORM writes it (its column names, JSON and dates
   * as the database stores them), for the bulk writer to run inside the merge's own transaction.
   */
  private updateStatement(id: string, values: Partial<CatalogImport>): SqlStatement {
    const [sql, params] = this.imports
      .createQueryBuilder()
      .update()
      .set(values)
      .where({ id })
      .getQueryAndParameters();
    return { sql, params };
  }

  /**
   * Records the failure (the catalog is untouched) through the claims, which write it again until
   * the database takes it; never throws. `cause` is what was thrown, for the log.
   */
  private async recordFailure(
    row: CatalogImport,
    live: LiveImport,
    error: unknown,
    cause: unknown,
  ): Promise<CatalogImport> {
    const known = error instanceof AppError;
    const finishedAt = new Date();
    const failure = {
      ...live.counts(),
      status: 'failed',
      active: null,
      error: known ? error.message : `Internal error: ${(error as Error).message}`,
      errorCode: known ? error.code : 'INTERNAL_ERROR',
      updatedAt: finishedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - live.startedAt,
    } satisfies Partial<CatalogImport>;
    Object.assign(row, failure);
    const because = cause !== error ? ` (${(cause as Error).message})` : '';
    if (known) this.logger.warn(`Catalog import ${row.id} failed: ${row.error}${because}`);
    else this.logger.error(`Catalog import ${row.id} failed: ${row.error}`, (error as Error).stack);
    await this.claims.end(row.id, failure);
    return row;
  }
}
