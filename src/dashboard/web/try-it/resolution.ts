import type { ResolvedCounts, SkippedListeningRow } from '../api/types';

/** Skipped rows listed on the page; the rest are counted ("and N more"). */
export const SKIPPED_SHOWN = 50;

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString('en')} ${count === 1 ? one : many}`;

/**
 * How the history's rows were matched, in one line: "42 rows: 30 by id, 8 by name, 2 with own
 * features, 2 unresolved". Ways no row took are left out.
 */
export function resolvedSummary(resolved: ResolvedCounts): string {
  const total = resolved.given + resolved.by_id + resolved.by_name + resolved.unresolved;
  const ways: [number, string][] = [
    [resolved.by_id, 'by id'],
    [resolved.by_name, 'by name'],
    [resolved.given, 'with own features'],
    [resolved.unresolved, 'unresolved'],
  ];
  const parts = ways
    .filter(([count]) => count > 0)
    .map(([count, way]) => `${count.toLocaleString('en')} ${way}`);
  return parts.length === 0 ? plural(total, 'row') : `${plural(total, 'row')}: ${parts.join(', ')}`;
}

/** The skipped rows to list, and how many more there are. */
export function skippedPreview(skipped: readonly SkippedListeningRow[]): {
  shown: SkippedListeningRow[];
  more: number;
} {
  return {
    shown: skipped.slice(0, SKIPPED_SHOWN),
    more: Math.max(0, skipped.length - SKIPPED_SHOWN),
  };
}

/** "3 rows skipped" for a summary line. */
export const skippedCount = (count: number) => `${plural(count, 'row')} skipped`;
