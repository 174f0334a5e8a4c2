import type { ConfigType } from '@nestjs/config';
import { configNamespace } from '../config/config-namespace';

/** Prophet trend settings. */
export const trendsConfig = configNamespace('trends', (environment) => ({
  /** Worker threads running Prophet fits. */
  workers: environment.TRENDS_WORKERS,
}));

export type TrendsConfig = ConfigType<typeof trendsConfig>;
