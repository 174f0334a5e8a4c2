/**
 * The known name closest to `name` (its case ignored), for a "did you mean …?" hint: the first of
 * `known` at the least edit distance, provided that is at most `maxDistance`; else undefined.
 */
export function closestName(
  name: string,
  known: readonly string[],
  maxDistance = 3,
): string | undefined {
  const asked = name.toLowerCase();
  let closest: string | undefined;
  let least = Infinity;
  for (const candidate of known) {
    const distance = editDistance(asked, candidate);
    if (distance < least) {
      closest = candidate;
      least = distance;
    }
  }
  return least <= maxDistance ? closest : undefined;
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
