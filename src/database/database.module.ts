import { TypeOrmModule } from '@nestjs/typeorm';
import { type DatabaseConfig, databaseConfig } from '../config';
import { buildDataSourceOptions } from './typeorm.options';

/**
 * The database connection of every process that runs Nest (the service, the import CLI), from the
 * validated database settings; each domain adds its entities with TypeOrmModule.forFeature.
 */
export const DatabaseModule = TypeOrmModule.forRootAsync({
  inject: [databaseConfig.KEY],
  useFactory: (database: DatabaseConfig) => ({
    ...buildDataSourceOptions(database),
    autoLoadEntities: true,
    retryAttempts: 3,
    retryDelay: 1000,
  }),
});
