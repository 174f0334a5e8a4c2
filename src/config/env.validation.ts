import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';

/**
 * Every setting the service reads, with its rule. The app refuses to boot with a readable list of the
 * wrong ones (see validateEnvironment), rather than failing later with an obscure error.
 */
class EnvironmentVariables {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @Matches(/^$|^(postgres|postgresql):\/\/.+/, {
    message: 'DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite file)',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  DB_RUN_MIGRATIONS?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  DB_LOGGING?: string;

  @IsOptional()
  @IsString()
  @Matches(/^$|^.{16,}$/, { message: 'ADMIN_API_KEY must be empty or at least 16 characters long' })
  ADMIN_API_KEY?: string;

  @IsOptional()
  @Matches(/^\d+(b|kb|mb|gb)?$/i, { message: 'BODY_LIMIT must be a size such as 10mb or 512kb' })
  BODY_LIMIT?: string;

  @IsOptional()
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  SIMILARITY_INDEX_CACHE_SIZE?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  TRENDS_WORKERS?: number;

  @IsOptional()
  @IsString()
  MOOD_DATASET_PATH?: string;

  @IsOptional()
  @Matches(/^$|^https?:\/\/.+/, { message: 'MOOD_DATASET_URL must be empty or an http(s) URL' })
  MOOD_DATASET_URL?: string;

  @IsOptional()
  @Matches(/^$|^[0-9a-fA-F]{64}$/, { message: 'MOOD_DATASET_SHA256 must be 64 hex digits' })
  MOOD_DATASET_SHA256?: string;

  @IsOptional()
  @IsIn(['true', 'false'])
  MOOD_TRAIN_ON_START?: string;

  @IsOptional()
  @IsIn(['auto', 'tensorflow', 'wasm', 'cpu'])
  MOOD_TF_BACKEND?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5000)
  MOOD_MAX_EPOCHS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  MOOD_PATIENCE?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  MOOD_ENSEMBLE_SIZE?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  MOOD_SEED?: number;

  @IsOptional()
  @IsIn(['true', 'false'])
  CATALOG_HARVEST?: string;

  @IsOptional()
  @Matches(/^$|^\d+(b|kb|mb|gb|tb)?$/i, {
    message: 'CATALOG_IMPORT_LIMIT must be a size such as 1gb or 500mb',
  })
  CATALOG_IMPORT_LIMIT?: string;

  @IsOptional()
  @Matches(/^$|^\d+(b|kb|mb|gb)?$/i, { message: 'CATALOG_JSON_LIMIT must be a size such as 100mb' })
  CATALOG_JSON_LIMIT?: string;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  CATALOG_MAX_BAD_ROWS?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  CATALOG_WATCH_INTERVAL_MS?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  CATALOG_HARVEST_BATCH_SIZE?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  CATALOG_HARVEST_FLUSH_MS?: number;
}

export function validateEnvironment(config: Record<string, unknown>): Record<string, unknown> {
  const env = plainToInstance(EnvironmentVariables, config, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map(
        (message) => `  - ${error.property}=${JSON.stringify(config[error.property])}: ${message}`,
      ),
    );
    throw new Error(`Invalid environment, the service cannot start:\n${lines.join('\n')}`);
  }
  return config;
}
