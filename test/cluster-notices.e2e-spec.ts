import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { clusterConfig } from '../src/cluster/cluster.config';
import { ClusterNotices, type NoticeTopics } from '../src/cluster/cluster-notices';
import { validateEnvironment } from '../src/config';
import {
  CLUSTER_POSTGRES_URL,
  CLUSTER_REDIS_URL,
  describeUnless,
  eventually,
  unreachableServices,
} from './helpers/service-processes';

/**
 * ClusterNotices between two "instances" (two objects with their own instance ids) over each real
 * transport: Redis pub/sub, and PostgreSQL LISTEN/NOTIFY (what instances on PostgreSQL without Redis
 * use). Skipped, saying so, where PostgreSQL or Redis is not reachable.
 */
const describeTransports = describeUnless(
  unreachableServices(CLUSTER_POSTGRES_URL, CLUSTER_REDIS_URL),
  'test/cluster-notices.e2e-spec.ts',
);

describeTransports.each([
  ['redis', { REDIS_URL: CLUSTER_REDIS_URL }],
  ['postgres', { DATABASE_URL: CLUSTER_POSTGRES_URL }],
])('ClusterNotices over %s', (transport, settings) => {
  const prefix = `notices-${randomBytes(4).toString('hex')}`;
  let first: ClusterNotices;
  let second: ClusterNotices;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const instance = () =>
      new ClusterNotices(clusterConfig(validateEnvironment({ ...settings, QUEUE_PREFIX: prefix })));
    [first, second] = [instance(), instance()];
    await first.onModuleInit();
    await second.onModuleInit();
  });
  afterAll(async () => {
    await first.onApplicationShutdown();
    await second.onApplicationShutdown();
  });

  it('delivers a notice to the other instance once, never back to its sender', async () => {
    expect(first.transportName).toBe(transport);
    const heardByFirst: unknown[] = [];
    const heardBySecond: NoticeTopics['mood-model'][] = [];
    first.subscribe('mood-model', (notice) => heardByFirst.push(notice));
    second.subscribe('mood-model', (notice) => heardBySecond.push(notice));
    second.subscribe('catalog', () => {
      throw new Error('a catalog handler must not hear a model notice');
    });

    first.publish('mood-model', { modelId: 'm-1' });
    await eventually(
      'the other instance hears it',
      () => Promise.resolve(heardBySecond.length > 0 ? true : undefined),
      { withinMs: 5000 },
    );
    // A second notice behind it proves the first was not delivered twice meanwhile.
    first.publish('mood-model', { modelId: 'm-2' });
    await eventually(
      'the second too',
      () => Promise.resolve(heardBySecond.length > 1 ? true : undefined),
      {
        withinMs: 5000,
      },
    );
    expect(heardBySecond).toEqual([{ modelId: 'm-1' }, { modelId: 'm-2' }]);
    expect(heardByFirst).toEqual([]);
    expect(first.connected).toBe(true);
  });

  it('says when a list of ids is too long for one message of the transport', () => {
    const ids = (count: number) => Array.from({ length: count }, (_, i) => `track-${i}`);
    expect(first.fits('catalog', { type: 'upserted', ids: ids(100) })).toBe(true);
    expect(first.fits('catalog', { type: 'upserted', ids: ids(100_000) })).toBe(false);
  });
});
