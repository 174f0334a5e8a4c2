/**
 * The shortest decimals already found, by float: feature values repeat across a catalog (three
 * decimals for most of Spotify's features), and finding one costs several toPrecision calls, so a
 * whole listening export's tracks read back in a fraction of the time. Cleared when full.
 */
const known = new Map<number, number>();
const MAX_KNOWN = 262_144;

/**
 * The shortest decimal that reads back as the same 32-bit float. The index keeps feature values as
 * float32; every value with up to six significant digits (all of Spotify's audio features and
 * popularity, and whole milliseconds up to 4.6 hours) comes back exactly as it was imported.
 */
export function float32ToDecimal(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  let decimal = known.get(value);
  if (decimal === undefined) {
    decimal = shortestDecimal(value);
    if (known.size >= MAX_KNOWN) known.clear();
    known.set(value, decimal);
  }
  return decimal;
}

function shortestDecimal(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
