import fc from 'fast-check';
import { parsePlayTime } from './play-time';

/** The straightforward reading, through Date's own parser: what the fast path must equal. */
function reference(value: string): number | undefined {
  const text = value.trim();
  let normalised: string;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    normalised = value;
  } else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
    normalised = text.replace(' ', 'T').replace(/(\.\d{3})\d+$/, '$1') + 'Z';
  } else if (
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
  ) {
    normalised = text.replace(/(\.\d{3})\d+/, '$1');
  } else {
    return undefined;
  }
  const ms = new Date(normalised).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

const digits = (length: number, max: number) =>
  fc.integer({ min: 0, max }).map((n) => String(n).padStart(length, '0'));

/** Timestamps of every written form, with parts in and out of range. */
const timestamps = fc
  .record({
    year: digits(4, 9999),
    month: digits(2, 14),
    day: digits(2, 33),
    hour: digits(2, 25),
    minute: digits(2, 61),
    second: fc.option(digits(2, 61)),
    fraction: fc.option(fc.stringMatching(/^\d{1,7}$/)),
    separator: fc.constantFrom(' ', 'T'),
    zone: fc.constantFrom('', 'Z', '+02:00', '-0530'),
    padding: fc.constantFrom('', ' '),
  })
  .map(
    ({ year, month, day, hour, minute, second, fraction, separator, zone, padding }) =>
      `${padding}${year}-${month}-${day}${separator}${hour}:${minute}` +
      (second === null ? '' : `:${second}${fraction === null ? '' : `.${fraction}`}`) +
      `${zone}${padding}`,
  );

describe('parsePlayTime', () => {
  it('reads every timestamp as Date itself reads it, to the millisecond (fast path included)', () => {
    fc.assert(
      fc.property(timestamps, (text) => {
        expect(parsePlayTime(text)?.getTime()).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads Python and Spotify play times, naive ones as UTC', () => {
    expect(parsePlayTime('2023-08-12 19:28:48.750385')?.toISOString()).toBe(
      '2023-08-12T19:28:48.750Z',
    );
    expect(parsePlayTime('2023-08-10T15:47:50.611Z')?.toISOString()).toBe(
      '2023-08-10T15:47:50.611Z',
    );
    expect(parsePlayTime('2023-02-30 10:00')?.toISOString()).toBe('2023-03-02T10:00:00.000Z');
    expect(parsePlayTime('2023-01-01 23:60')).toBeUndefined();
    expect(parsePlayTime(1691682470611)?.toISOString()).toBe('2023-08-10T15:47:50.611Z');
  });

  it('answers a fresh Date each time, so a caller changing one changes nothing else', () => {
    const first = parsePlayTime('2023-08-12 19:28:48.750385')!;
    first.setTime(0);
    expect(parsePlayTime('2023-08-12 19:28:48.750385')?.getTime()).not.toBe(0);
  });
});
