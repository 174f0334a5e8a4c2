/**
 * Play times as clients send them. Free of server dependencies: the dashboard's bundle uses the same
 * reading to place a listening history on its charts.
 */
const FULL_ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const NAIVE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parsePlayTime(value: unknown): Date | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) < 8.64e15 ? new Date(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (FULL_ISO_TIMESTAMP.test(value)) {
    // The common case (Spotify's played_at): Date.parse reads it as it is.
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const text = value.trim();
  let normalised: string;
  if (NAIVE_TIMESTAMP.test(text)) {
    // A naive timestamp (Python's str(datetime)) is read as UTC; keep millisecond precision.
    normalised = text.replace(' ', 'T').replace(/(\.\d{3})\d+$/, '$1') + 'Z';
  } else if (ISO_TIMESTAMP.test(text)) {
    normalised = text.replace(/(\.\d{3})\d+/, '$1');
  } else {
    return undefined;
  }
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
