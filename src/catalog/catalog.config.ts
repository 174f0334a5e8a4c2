import type { ConfigType } from '@nestjs/config';
import bytes from 'bytes';
import { join } from 'node:path';
import { configNamespace } from '../config/config-namespace';

/** Catalog settings: imports, harvest, and how the service learns of other processes' imports. */
export const catalogConfig = configNamespace('catalog', (environment) => ({
  /** Add tracks (ids and features) that clients post to other calls to the catalog. */
  harvest: environment.CATALOG_HARVEST,
  /** Largest import, in bytes: of what arrives and, for gzip, of what it decodes to. */
  importLimit: bytes.parse(environment.CATALOG_IMPORT_LIMIT)!,
  /** An import fails when more than this share of its rows is bad. */
  maxBadRows: environment.CATALOG_MAX_BAD_ROWS,
  /** A JSON document (not NDJSON, not CSV) is parsed whole; larger ones should be NDJSON. */
  jsonLimit: bytes.parse(environment.CATALOG_JSON_LIMIT)!,
  /**
   * How often the service looks for imports that another process (the CLI, another instance)
   * finished, to announce them to the in-memory index. 0: never.
   */
  watchIntervalMs: environment.CATALOG_WATCH_INTERVAL_MS,
  /** Harvested tracks are written in batches of at most this many, at most this often. */
  harvestBatchSize: environment.CATALOG_HARVEST_BATCH_SIZE,
  harvestFlushMs: environment.CATALOG_HARVEST_FLUSH_MS,
  /** Imported once where the catalog is empty at start-up; empty: never (see StarterCatalog). */
  starterUrl: environment.CATALOG_STARTER_URL,
  starterSha256: environment.CATALOG_STARTER_SHA256,
  /** Where the starter file is downloaded to (with a suffix per instance), removed once imported. */
  starterDownloadPath: join(environment.DATA_DIR, 'starter-catalog'),
}));

export type CatalogConfig = ConfigType<typeof catalogConfig>;
