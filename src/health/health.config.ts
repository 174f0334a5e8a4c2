import type { ConfigType } from '@nestjs/config';
import bytes from 'bytes';
import { configNamespace } from '../config/config-namespace';

/** What /health checks besides the parts other modules own. */
export const healthConfig = configNamespace('health', (environment) => ({
  dataDir: environment.DATA_DIR,
  /** Below this much free space in DATA_DIR, `storage` is down. */
  minFreeBytes: bytes.parse(environment.DATA_DIR_MIN_FREE)!,
}));

export type HealthConfig = ConfigType<typeof healthConfig>;
