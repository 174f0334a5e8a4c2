/**
 * The shortest decimal that reads back as the same 32-bit float. The index keeps feature values as
 * float32; every value with up to six significant digits (all of Spotify's audio features and
 * popularity, and whole milliseconds up to 4.6 hours) comes back exactly as it was imported.
 */
export function float32ToDecimal(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
