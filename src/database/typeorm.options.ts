import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config';

export const SQLITE_FILE_NAME = 'spotify-recommender.sqlite';

/**
 * The one place the TypeORM options live, shared by the app (TypeOrmModule) and the CLI
 * (data-source.ts). Schema changes only through migrations; synchronize is never on.
 */
export function buildDataSourceOptions(settings: DatabaseConfig): DataSourceOptions {
  const common: Partial<DataSourceOptions> = {
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsRun: settings.runMigrations,
    synchronize: false,
    logging: settings.logging,
  };

  if (settings.url) {
    return {
      ...common,
      type: 'postgres',
      url: settings.url,
      poolSize: settings.poolSize,
      // Both a new connection and a wait for a free one of the pool give up after this, so a
      // call made while PostgreSQL is down fails (503 DATABASE_UNAVAILABLE) instead of hanging.
      connectTimeoutMS: settings.connectTimeoutMs,
    } as DataSourceOptions;
  }
  mkdirSync(settings.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    // Handed over explicitly: TypeORM's own lookup of the package fails under jest's module loader.
    driver: Database,
    database: join(settings.dataDir, SQLITE_FILE_NAME),
    // WAL lets readers go on while a training run writes its results.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
    },
  } as DataSourceOptions;
}
