import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { Repository } from 'typeorm';
import { ClusterNotices } from '../../cluster/cluster-notices';
import { catalogConfig } from '../catalog.config';
import { CatalogChanges } from '../catalog-changes';
import { CatalogImport } from '../catalog-import.entity';
import { CatalogImportsService } from './catalog-imports.service';

const LOOK_BACK = 20;

/**
 * Imports that other processes finished (the CLI on the same database, another instance) change
 * the catalog behind this process's back. Every CATALOG_WATCH_INTERVAL_MS this looks for newly
 * succeeded ones and announces a reset, so the in-memory index reloads from the database. Where
 * instances tell each other of their changes (ClusterNotices), only the CLI's imports are left to
 * find here: an instance's import has reached the others already.
 */
@Injectable()
export class CatalogImportWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CatalogImportWatcher.name);
  private readonly known = new Set<string>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  private since = new Date();

  constructor(
    @InjectRepository(CatalogImport) private readonly imports: Repository<CatalogImport>,
    private readonly changes: CatalogChanges,
    private readonly notices: ClusterNotices,
    private readonly importer: CatalogImportsService,
    @Inject(catalogConfig.KEY) private readonly config: ConfigType<typeof catalogConfig>,
  ) {}

  onApplicationBootstrap(): void {
    // What finished before this start is already in the database the index loads at start-up.
    this.since = new Date();
    if (this.config.watchIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.poll(), this.config.watchIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One look; returns the ids of the imports it announced. */
  async poll(): Promise<string[]> {
    if (this.polling) return [];
    this.polling = true;
    try {
      // An import whose process died (another instance, the CLI) is ended failed here.
      await this.importer.failDeadImports();
      const recent = await this.imports.find({
        select: { id: true, host: true, pid: true, finishedAt: true, source: true, origin: true },
        where: { status: 'succeeded' },
        order: { finishedAt: 'DESC' },
        take: LOOK_BACK,
      });
      const foreign = recent.filter(
        (row) =>
          !this.known.has(row.id) &&
          row.finishedAt !== null &&
          row.finishedAt >= this.since &&
          // The service's own imports (not the CLI's) are announced on the notice transport.
          !(row.origin !== 'cli' && this.notices.transportName !== null) &&
          (row.host !== hostname() || row.pid !== process.pid),
      );
      for (const row of foreign) this.known.add(row.id);
      if (foreign.length > 0) {
        const ids = foreign.map((row) => row.id);
        this.logger.log(`Catalog import(s) by another process: ${ids.join(', ')}; reloading`);
        this.changes.publish({ type: 'reset', reason: `imports ${ids.join(', ')}` });
      }
      return foreign.map((row) => row.id);
    } catch (error) {
      this.logger.warn(`Could not look for other processes' imports: ${(error as Error).message}`);
      return [];
    } finally {
      this.polling = false;
    }
  }
}
