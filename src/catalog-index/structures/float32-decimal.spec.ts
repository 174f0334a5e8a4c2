import fc from 'fast-check';
import { float32ToDecimal } from './float32-decimal';

/** The definition: the fewest significant digits, as toPrecision writes them, that read back. */
function shortestByString(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

describe('float32ToDecimal', () => {
  it("gives back Spotify's values as imported", () => {
    for (const value of [0.748, -8.198, 170.01, 0.0000099, 0.0638, 179551, -60, 0.5, 1e-7])
      expect(float32ToDecimal(Math.fround(value))).toBe(value);
  });

  it('is the shortest decimal toPrecision finds, for every float32 (random bit patterns)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (bits) => {
        const value = new Float32Array(new Uint32Array([bits]).buffer)[0];
        expect(Object.is(float32ToDecimal(value), shortestByString(value))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('rounds halves away from zero, as toPrecision does', () => {
    for (const value of [-37.5234375, -54.1953125, 37.5234375])
      expect(float32ToDecimal(value)).toBe(shortestByString(value));
  });
});
