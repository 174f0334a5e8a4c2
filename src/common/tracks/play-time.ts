/**
 * Play times as clients send them. Free of server dependencies: the dashboard's bundle uses the same
 * reading to place a listening history on its charts.
 */
const FULL_ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const NAIVE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A naive timestamp's parts (Python's str(datetime)): one match, no intermediate strings. */
const NAIVE_PARTS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

/** The last text read and its time: a track's play time is read twice in a row (check, then use). */
let lastText: string | undefined;
let lastMs: number | undefined;

export function parsePlayTime(value: unknown): Date | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) < 8.64e15 ? new Date(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (value !== lastText) {
    lastMs = playTimeMs(value);
    lastText = value;
  }
  return lastMs === undefined ? undefined : new Date(lastMs);
}

function playTimeMs(value: string): number | undefined {
  if (FULL_ISO_TIMESTAMP.test(value)) {
    // The common case (Spotify's played_at): Date.parse reads it as it is.
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const text = value.trim();
  const parts = NAIVE_PARTS.exec(text);
  if (parts) {
    // A naive timestamp is read as UTC, to the millisecond. Ordinary values are computed here; the
    // rest (day 29-31, hour 24, year < 100…) go through Date's own reading below, which decides them.
    const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((part) => +(part ?? 0));
    if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23) {
      if (minute > 59 || second > 59) return undefined;
      const ms = parts[7] === undefined ? 0 : +parts[7].padEnd(3, '0');
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    }
  }
  let normalised: string;
  if (NAIVE_TIMESTAMP.test(text)) {
    // A naive timestamp (Python's str(datetime)) is read as UTC; keep millisecond precision.
    normalised = text.replace(' ', 'T').replace(/(\.\d{3})\d+$/, '$1') + 'Z';
  } else if (ISO_TIMESTAMP.test(text)) {
    normalised = text.replace(/(\.\d{3})\d+/, '$1');
  } else {
    return undefined;
  }
  const ms = new Date(normalised).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}
