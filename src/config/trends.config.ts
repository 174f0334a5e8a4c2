import { registerAs } from '@nestjs/config';
import { availableParallelism } from 'node:os';

/** Prophet trend settings. Values arrive already validated by validateEnvironment(). */
export const trendsConfig = registerAs('trends', () => ({
  /** Worker threads running Prophet fits (default: one per core but one, at least one). */
  workers: process.env.TRENDS_WORKERS
    ? Number(process.env.TRENDS_WORKERS)
    : Math.max(1, availableParallelism() - 1),
}));

export type TrendsConfig = ReturnType<typeof trendsConfig>;
