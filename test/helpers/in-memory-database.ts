import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { EntityClassOrSchema } from '@nestjs/typeorm/dist/interfaces/entity-class-or-schema.type';
import { tmpdir } from 'node:os';
import type { BetterSqlite3ConnectionOptions } from 'typeorm/driver/better-sqlite3/BetterSqlite3ConnectionOptions';
import { buildDataSourceOptions } from '../../src/database/typeorm.options';

/**
 * A real SQLite database in memory (better-sqlite3), with the app's own options and migrations, and
 * repositories of `entities`: for unit specs of a class whose behaviour is what the database holds
 * (transactions, active rows).
 */
export function inMemoryDatabase(...entities: EntityClassOrSchema[]): DynamicModule[] {
  const options = buildDataSourceOptions({
    url: '',
    dataDir: tmpdir(),
    runMigrations: true,
    poolSize: 1,
    connectTimeoutMs: 5000,
    logging: false,
  }) as BetterSqlite3ConnectionOptions;
  return [
    TypeOrmModule.forRoot({ ...options, database: ':memory:' }),
    TypeOrmModule.forFeature(entities),
  ];
}
