import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseConfig, loadEnvironment } from '../config';
import { buildDataSourceOptions } from './typeorm.options';

/** For the TypeORM CLI (npm run migration:*): the same settings and options as the app. */
export default new DataSource({
  ...buildDataSourceOptions(databaseConfig(loadEnvironment())),
  migrationsRun: false,
});
