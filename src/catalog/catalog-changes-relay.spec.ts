import { Test } from '@nestjs/testing';
import { ClusterNotices, type NoticeTopics } from '../cluster/cluster-notices';
import { type CatalogChange, CatalogChanges, type CatalogChangeOrigin } from './catalog-changes';
import { CatalogChangesRelay } from './catalog-changes-relay';

/** The relay between a real CatalogChanges and mocked notices to and from other instances. */
describe('CatalogChangesRelay', () => {
  const sent: [string, unknown][] = [];
  let fromOthers: ((change: NoticeTopics['catalog']) => void) | undefined;
  let resumed: (() => void) | undefined;
  let fits = true;
  const notices = {
    publish: (topic: string, payload: unknown) => void sent.push([topic, payload]),
    subscribe: (_topic: string, handler: (change: NoticeTopics['catalog']) => void) => {
      fromOthers = handler;
      return () => (fromOthers = undefined);
    },
    fits: () => fits,
    onResumed: (catchUp: () => void) => {
      resumed = catchUp;
      return () => (resumed = undefined);
    },
  };

  async function relay() {
    const moduleRef = await Test.createTestingModule({
      providers: [
        CatalogChanges,
        CatalogChangesRelay,
        { provide: ClusterNotices, useValue: notices },
      ],
    }).compile();
    await moduleRef.init();
    const changes = moduleRef.get(CatalogChanges);
    const seen: [CatalogChange, CatalogChangeOrigin][] = [];
    changes.subscribe((change, origin) => seen.push([change, origin]));
    return { moduleRef, changes, seen };
  }

  beforeEach(() => {
    sent.length = 0;
    fits = true;
  });

  it("sends this process's changes to the others, and never sends theirs back", async () => {
    const { moduleRef, changes, seen } = await relay();
    changes.publish({ type: 'upserted', ids: ['a', 'b'] });
    fromOthers!({ type: 'removed', ids: ['c'] });
    expect(sent).toEqual([['catalog', { type: 'upserted', ids: ['a', 'b'] }]]);
    expect(seen).toEqual([
      [{ type: 'upserted', ids: ['a', 'b'] }, 'local'],
      [{ type: 'removed', ids: ['c'] }, 'remote'],
    ]);
    await moduleRef.close();
    expect(fromOthers).toBeUndefined();
  });

  it('when the notices resume after an outage, reloads (a reset of origin remote, not sent on)', async () => {
    const { moduleRef, seen } = await relay();
    resumed!();
    expect(seen).toEqual([
      [{ type: 'reset', reason: 'change notices resumed; some may have been missed' }, 'remote'],
    ]);
    expect(sent).toEqual([]);
    await moduleRef.close();
    expect(resumed).toBeUndefined();
  });

  it('sends a reset where the list of ids is too long for one notice', async () => {
    const { moduleRef, changes } = await relay();
    fits = false;
    changes.publish({ type: 'upserted', ids: ['a', 'b', 'c'] });
    expect(sent).toEqual([
      ['catalog', { type: 'reset', reason: '3 tracks upserted by another instance' }],
    ]);
    await moduleRef.close();
  });
});
