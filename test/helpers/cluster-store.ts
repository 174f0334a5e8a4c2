import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SMALL_MOOD_TRAINING } from './create-test-app';
import { onPostgres } from './on-postgres';

/**
 * What service processes started together share, made for one run: a fresh database on the
 * PostgreSQL server at `postgresUrl` and a queue prefix of its own on the Redis at `redisUrl`.
 */
export interface ClusterStore {
  /** `<name>-<random hex>`: the queue prefix, and a name for the run's log files. */
  prefix: string;
  databaseUrl: string;
  /**
   * Settings that put a service on this store, training a small mood model at start (once for
   * all: the first instance to get there trains it).
   */
  env: Record<string, string>;
  create(): Promise<void>;
  /** Drops the database and deletes the prefix's keys. */
  remove(): Promise<void>;
}

export function clusterStore(name: string, postgresUrl: string, redisUrl: string): ClusterStore {
  const prefix = `${name}-${randomBytes(4).toString('hex')}`;
  const database = prefix.replace(/-/g, '_');
  const url = new URL(postgresUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  return {
    prefix,
    databaseUrl,
    env: {
      ...SMALL_MOOD_TRAINING,
      MOOD_TRAIN_ON_START: 'true',
      MOOD_CV_FOLDS: '2',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
    },
    create: async () => {
      await onPostgres(postgresUrl, (client) => client.query(`CREATE DATABASE "${database}"`));
    },
    remove: async () => {
      await onPostgres(postgresUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
      );
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
