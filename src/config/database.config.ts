import type { ConfigType } from '@nestjs/config';
import { configNamespace } from './config-namespace';

/** Which database, and how TypeORM treats it (see src/database/typeorm.options.ts). */
export const databaseConfig = configNamespace('database', (environment) => ({
  /** postgres://… selects PostgreSQL; empty: the SQLite file in dataDir. */
  url: environment.DATABASE_URL,
  dataDir: environment.DATA_DIR,
  runMigrations: environment.DB_RUN_MIGRATIONS,
  logging: environment.DB_LOGGING,
  /** PostgreSQL only: the most connections of the pool. */
  poolSize: environment.DB_POOL_SIZE,
  /** PostgreSQL only: the longest a query waits for a connection before it fails. */
  connectTimeoutMs: environment.DB_CONNECT_TIMEOUT,
}));

export type DatabaseConfig = ConfigType<typeof databaseConfig>;
