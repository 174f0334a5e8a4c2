import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type DatabaseConfig, databaseConfig } from '../config';
import { withAdvisoryLock } from './advisory-lock';
import { buildDataSourceOptions } from './typeorm.options';

/**
 * The database connection of every process that runs Nest (the service, the import CLI), from the
 * validated database settings; each domain adds its entities with TypeOrmModule.forFeature. On
 * PostgreSQL, instances starting together connect (and run pending migrations) one after another,
 * under an advisory lock, so the migrations run once.
 */
export const DatabaseModule = TypeOrmModule.forRootAsync({
  inject: [databaseConfig.KEY],
  useFactory: (database: DatabaseConfig) => ({
    ...buildDataSourceOptions(database),
    autoLoadEntities: true,
    retryAttempts: 3,
    retryDelay: 1000,
  }),
  dataSourceFactory: async (options) => {
    const dataSource = new DataSource(options!);
    if (options?.type !== 'postgres' || !options.url) return dataSource.initialize();
    return withAdvisoryLock(options.url, 'spotify-recommender:migrations', () =>
      dataSource.initialize(),
    );
  },
});
