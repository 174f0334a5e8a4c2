import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { downloadChecked, DownloadError } from '../../common/downloads/checked-download';
import { AppError } from '../../common/errors';
import { type CatalogConfig, catalogConfig } from '../catalog.config';
import type { StarterCatalogDto } from '../dto/catalog-summary-response.dto';
import { CatalogImportsService } from '../imports/catalog-imports.service';
import { CatalogStore } from '../storage/catalog-store';

/** The whole download may take this long (the default file is ~7.6 MB). */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/** The import found tracks in the catalog once it held the claim: another process got there first. */
class StarterNotNeededError extends AppError {
  constructor() {
    super(
      409,
      'STARTER_NOT_NEEDED',
      'The catalog holds tracks already (imported meanwhile by another process): the starter catalog is not imported',
    );
  }
}

/**
 * A catalog on first start: where the catalog is empty at start-up, the file at
 * CATALOG_STARTER_URL is downloaded (checked against CATALOG_STARTER_SHA256, see downloadChecked)
 * and imported once, in the background, through the ordinary import path: all or nothing, listed in
 * GET /catalog/imports (origin `starter`), the in-memory index reloaded after it. Offline, it logs
 * once and the service goes on without it; GET /catalog shows how far it is or why it failed.
 *
 * Several instances starting together each find the catalog empty and download, but imports take
 * one claim across every process (ImportClaims): a second instance asking while the first imports
 * gets 409 and leaves it; one that asks after the first finished looks again, holding the claim,
 * and finds the catalog no longer empty. (Imports are idempotent besides: a second import of the
 * same file would change nothing.)
 */
@Injectable()
export class StarterCatalog implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StarterCatalog.name);
  private readonly stopping = new AbortController();
  private task?: Promise<void>;
  private state: StarterCatalogDto | null = null;

  constructor(
    private readonly store: CatalogStore,
    private readonly imports: CatalogImportsService,
    @Inject(catalogConfig.KEY) private readonly config: CatalogConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.starterUrl) return;
    this.task = this.importIfEmpty().catch((error: unknown) => {
      this.fail('STARTER_FAILED', `The starter catalog failed: ${(error as Error).message}`);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Error('the service is shutting down'));
    await this.task;
  }

  /** What the starter import is doing or did; null where none was needed (or none is set). */
  status(): StarterCatalogDto | null {
    return this.state;
  }

  /** Settles when the starter import has finished, or was not needed (tests). */
  settled(): Promise<void> {
    return this.task ?? Promise.resolve();
  }

  private async importIfEmpty(): Promise<void> {
    if (!(await this.store.isEmpty())) return;
    const { starterUrl: url, starterSha256: sha256 } = this.config;
    // This instance's own copy: another one starting on the same folder downloads its own.
    const file = `${this.config.starterDownloadPath}.${process.pid}-${randomUUID().slice(0, 8)}`;
    this.logger.log(`The catalog is empty: importing the starter catalog from ${url}`);
    this.update('downloading');
    try {
      try {
        await downloadChecked({
          url,
          sha256,
          to: file,
          what: 'the starter catalog',
          timeoutMs: DOWNLOAD_TIMEOUT_MS,
          signal: this.stopping.signal,
          maxBytes: this.config.importLimit,
        });
      } catch (error) {
        if (!(error instanceof DownloadError)) throw error;
        if (this.stopping.signal.aborted) return;
        const code =
          error.reason === 'checksum' ? 'STARTER_CHECKSUM_MISMATCH' : 'STARTER_UNAVAILABLE';
        return this.fail(code, `${error.message}; serving without it`);
      }
      if (this.stopping.signal.aborted) return;
      await this.runImport(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  private async runImport(file: string): Promise<void> {
    const store = this.store;
    const source = createReadStream(file);
    // Read only once the import holds the claim: the catalog looked at then is the one it merges into.
    const stream = Readable.from(
      (async function* () {
        if (!(await store.isEmpty())) throw new StarterNotNeededError();
        yield* source;
      })(),
    );
    const stop = () => stream.destroy(new Error('the service is shutting down'));
    this.stopping.signal.addEventListener('abort', stop, { once: true });
    try {
      let started: Awaited<ReturnType<CatalogImportsService['start']>>;
      try {
        started = await this.imports.start(stream, {
          origin: 'starter',
          source: `starter: ${new URL(this.config.starterUrl).pathname.split('/').pop()}`,
        });
      } catch (error) {
        stream.destroy();
        if (error instanceof AppError && error.code === 'IMPORT_IN_PROGRESS') {
          this.logger.log('Another import is running; the starter catalog is left to it');
          return this.update('skipped', { error: error.message, error_code: error.code });
        }
        throw error;
      }
      this.update('importing', { import_id: started.import.id });
      const ended = await started.finished;
      if (ended.status === 'succeeded') {
        this.logger.log(
          `Starter catalog imported: ${ended.tracks_added} tracks added (import ${ended.id})`,
        );
        return this.update('succeeded', { import_id: ended.id });
      }
      if (ended.error_code === 'STARTER_NOT_NEEDED') {
        this.logger.log(ended.error ?? 'The starter catalog was not needed');
        return this.update('skipped', {
          import_id: ended.id,
          error: ended.error,
          error_code: ended.error_code,
        });
      }
      this.fail(ended.error_code ?? 'STARTER_FAILED', ended.error ?? 'The import failed', ended.id);
    } finally {
      this.stopping.signal.removeEventListener('abort', stop);
      source.destroy();
    }
  }

  private fail(code: string, message: string, importId?: string): void {
    this.logger.warn(message);
    this.update('failed', { error: message, error_code: code, import_id: importId ?? null });
  }

  private update(status: StarterCatalogDto['status'], fields: Partial<StarterCatalogDto> = {}) {
    this.state = {
      status,
      url: this.config.starterUrl,
      import_id: fields.import_id ?? this.state?.import_id ?? null,
      error: fields.error ?? null,
      error_code: fields.error_code ?? null,
      updated_at: new Date().toISOString(),
    };
  }
}
