import { registerAs } from '@nestjs/config';
import bytes from 'bytes';

/** Catalog settings. Values arrive already validated by validateEnvironment(). */
export const catalogConfig = registerAs('catalog', () => ({
  /** Add tracks (ids and features) that clients post to other calls to the catalog. */
  harvest: (process.env.CATALOG_HARVEST ?? 'true') === 'true',
  /** Largest import, in bytes: of what arrives and, for gzip, of what it decodes to. */
  importLimit: bytes.parse(process.env.CATALOG_IMPORT_LIMIT || '1gb')!,
  /** An import fails when more than this share of its rows is bad. */
  maxBadRows: Number(process.env.CATALOG_MAX_BAD_ROWS ?? 0.1),
  /** A JSON document (not NDJSON, not CSV) is parsed whole; larger ones should be NDJSON. */
  jsonLimit: bytes.parse(process.env.CATALOG_JSON_LIMIT || '100mb')!,
  /**
   * How often the service looks for imports that another process (the CLI, another instance)
   * finished, to announce them to the in-memory index. 0: never.
   */
  watchIntervalMs: Number(process.env.CATALOG_WATCH_INTERVAL_MS ?? 5000),
  /** Harvested tracks are written in batches of at most this many, at most this often. */
  harvestBatchSize: Number(process.env.CATALOG_HARVEST_BATCH_SIZE ?? 1000),
  harvestFlushMs: Number(process.env.CATALOG_HARVEST_FLUSH_MS ?? 1000),
}));

export type CatalogConfig = ReturnType<typeof catalogConfig>;
