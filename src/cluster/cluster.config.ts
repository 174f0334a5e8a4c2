import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { configNamespace } from '../config/config-namespace';

/** How this instance takes part in a deployment of several (see README "Deployment"). */
export const clusterConfig = configNamespace('cluster', (environment) => ({
  /** Empty: no queue, jobs run in this process. */
  redisUrl: environment.REDIS_URL,
  /** PostgreSQL URL, or empty on the embedded SQLite file (one instance only). */
  databaseUrl: environment.DATABASE_URL,
  role: environment.ROLE,
  /** Serves the API (ROLE api or all). */
  servesApi: environment.ROLE !== 'worker',
  /** Runs queued jobs (ROLE worker or all). */
  runsJobs: environment.ROLE !== 'api',
  prefix: environment.QUEUE_PREFIX,
  stallTimeoutMs: environment.JOB_STALL_TIMEOUT,
  /** Names this process in notices, so that it ignores its own. */
  instanceId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
}));

export type ClusterConfig = ConfigType<typeof clusterConfig>;
