import { registerAs } from '@nestjs/config';
import { databaseSettingsFromEnv } from '../database/typeorm.options';

/** DATABASE_URL, DATA_DIR, DB_RUN_MIGRATIONS, DB_LOGGING: see .env.example. */
export const databaseConfig = registerAs('database', () => databaseSettingsFromEnv(process.env));

export type DatabaseConfig = ReturnType<typeof databaseConfig>;
