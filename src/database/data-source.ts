import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, databaseSettingsFromEnv } from './typeorm.options';

/** For the TypeORM CLI (npm run migration:*): the same options as the app. */
export default new DataSource({
  ...buildDataSourceOptions(databaseSettingsFromEnv()),
  migrationsRun: false,
});
