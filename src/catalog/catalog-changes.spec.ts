import { CatalogChanges, type CatalogChange } from './catalog-changes';

describe('CatalogChanges', () => {
  it('tells every subscriber, until it unsubscribes, and skips empty notices', () => {
    const changes = new CatalogChanges();
    const seen: CatalogChange[] = [];
    const unsubscribe = changes.subscribe((change) => seen.push(change));
    changes.publish({ type: 'upserted', ids: ['a'] });
    changes.publish({ type: 'removed', ids: [] });
    changes.publish({ type: 'reset', reason: 'test' });
    unsubscribe();
    changes.publish({ type: 'removed', ids: ['a'] });
    expect(seen).toEqual([
      { type: 'upserted', ids: ['a'] },
      { type: 'reset', reason: 'test' },
    ]);
  });

  it('keeps a failing listener from failing the publisher or the other listeners', () => {
    const changes = new CatalogChanges();
    const seen: string[] = [];
    changes.subscribe(() => {
      throw new Error('index broken');
    });
    changes.subscribe((change) => seen.push(change.type));
    expect(() => changes.publish({ type: 'removed', ids: ['a'] })).not.toThrow();
    expect(seen).toEqual(['removed']);
  });
});
