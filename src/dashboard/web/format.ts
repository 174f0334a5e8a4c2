/** How the dashboard writes numbers, times and ids, in one place. */

const EM_DASH = '—';
/** Between a number and its unit, so "57.9 %" never breaks across lines. */
const NBSP = '\u00a0';

export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined
    ? EM_DASH
    : `${(value * 100).toFixed(digits)}${NBSP}%`;
}

export function decimal(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EM_DASH;
  return Math.abs(value) >= 1000
    ? Math.round(value).toLocaleString('en')
    : String(Number(value.toFixed(digits)));
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return EM_DASH;
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return EM_DASH;
  if (ms < 1000) return `${Math.round(ms)}${NBSP}ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)}${NBSP}s`;
  return `${Math.floor(ms / 60_000)}${NBSP}min ${Math.round((ms % 60_000) / 1000)}${NBSP}s`;
}

/** The first block of a UUID: enough to tell runs and models apart on screen. */
export function shortId(id: string | null | undefined): string {
  return id ? id.split('-')[0] : EM_DASH;
}

/** A size in bytes for people: 512 B, 24.6 KB, 240.6 MB, 1.2 GB (powers of 1024). */
export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return EM_DASH;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value}${NBSP}B` : `${size.toFixed(1)}${NBSP}${units[unit]}`;
}
