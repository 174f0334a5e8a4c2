import { resolvedSummary, SKIPPED_SHOWN, skippedPreview } from './resolution';

describe('how the page says the rows of a history were read', () => {
  it('counts every row and each way it was resolved, in one line', () => {
    expect(resolvedSummary({ given: 2, by_id: 30, by_name: 8, unresolved: 2 })).toBe(
      '42 rows: 30 by id, 8 by name, 2 with own features, 2 unresolved',
    );
  });

  it('leaves out the ways no row took, and says "row" for one', () => {
    expect(resolvedSummary({ given: 0, by_id: 8, by_name: 0, unresolved: 0 })).toBe(
      '8 rows: 8 by id',
    );
    expect(resolvedSummary({ given: 1, by_id: 0, by_name: 0, unresolved: 0 })).toBe(
      '1 row: 1 with own features',
    );
    expect(resolvedSummary({ given: 0, by_id: 0, by_name: 0, unresolved: 0 })).toBe('0 rows');
    expect(resolvedSummary({ given: 0, by_id: 12345, by_name: 0, unresolved: 1 })).toBe(
      '12,346 rows: 12,345 by id, 1 unresolved',
    );
  });

  it(`lists the first ${SKIPPED_SHOWN} skipped rows and counts the rest`, () => {
    const skipped = Array.from({ length: 130 }, (_, row) => ({
      row,
      path: `items[${row}]`,
      reason: 'a podcast episode, not music',
    }));
    const { shown, more } = skippedPreview(skipped);
    expect(shown).toEqual(skipped.slice(0, SKIPPED_SHOWN));
    expect(more).toBe(130 - SKIPPED_SHOWN);
    expect(skippedPreview(skipped.slice(0, 3))).toEqual({ shown: skipped.slice(0, 3), more: 0 });
  });
});
